using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Admin;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Features.Partners;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// SQL Server cannot run here, so the statements the code sends it are captured (no server is reached)
/// and parsed as T-SQL: every conditional update, delete and raw statement of the write paths. The same
/// statements run for real on SQLite and PostgreSQL in the integration suites.
/// </summary>
public sealed class SqlServerStatementTests
{
    private readonly SqlServerStatements _statements = new();

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(TimeProvider.System, IdOrder.SqlServer));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<AppDbContext>(_ => _statements.Context());
        services.AddScoped<AuditLog>();
        services.AddSingleton(Options.Create(new JobsOptions()));
        services.AddOptions<LockoutSettings>();
        services.AddScoped<AccountLockout>();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_failed_accrual_run_counts_and_kills_tasks_in_valid_TSql()
    {
        await using var services = Services();
        await new AccrualFailures(services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System,
            Options.Create(new JobsOptions()), NullLogger<AccrualFailures>.Instance).RecordAsync([Guid.NewGuid()], new InvalidOperationException("x"), default);
        AssertValidTSql(expectUpdates: 1);
    }

    [Fact]
    public async Task Locking_a_tenants_owners_is_valid_TSql()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        await Features.Users.UserService.LockOwnersAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), Guid.NewGuid(), default);
        AssertValidTSql(expectUpdates: 1);
    }

    [Fact]
    public async Task Reviving_a_dead_task_is_valid_TSql()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await DeadTaskService.ReviveAsync(db, Guid.NewGuid(), default);
        AssertValidTSql(expectUpdates: 1);
    }

    [Fact]
    public async Task Purging_rate_limit_windows_and_counting_an_attempt_are_valid_TSql()
    {
        await using var db = _statements.Context();
        await new PurgeRateLimitWindowsJob(db, TimeProvider.System, Options.Create(new LockoutSettings())).RunAsync(default);
        _ = await RateLimitWindowSql.Increment(db.Database, "key", DateTime.UtcNow).ToListAsync();
        AssertValidTSql(expectUpdates: 0);
        Assert.Equal(2, _statements.Captured.Count(s => s.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains(_statements.Captured, s => s.Contains("MERGE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Claiming_a_sign_in_attempt_and_forgetting_the_failures_are_valid_TSql()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var lockout = scope.ServiceProvider.GetRequiredService<AccountLockout>();
        // The captured context answers no rows: the read finds none, every claim is lost, and the lockout gives up.
        Assert.Equal(((AccountLockout.Claim?)null, 1), await lockout.ClaimAsync("someone@example.com", default));
        await lockout.ReleaseAsync(new AccountLockout.Claim("key", 3, Now), default);
        AssertValidTSql(expectUpdates: 0);
        Assert.Contains(_statements.Captured, s => s.Contains("MERGE [LoginFailures]", StringComparison.Ordinal));
        Assert.Contains(_statements.Captured, s => s.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Adding_entries_to_the_running_figures_and_attaching_them_are_valid_TSql()
    {
        await using var db = _statements.Context();
        var entry = new PartnerEarning
        {
            Id = Id, PartnerId = Other, Kind = EntryKind.Accrual, Currency = "USD", GrossAmount = 1000, CommissionAmount = 300, PartnerNet = 700,
            PayableAt = Now.AddDays(14), CreatedAt = Now,
        };
        await LedgerSql.AddAsync(db.Database, LedgerChanges.Of([entry]), default);
        await LedgerSql.AttachedAsync(db, Other, "USD", 1, 700, default);
        AssertValidTSql(expectUpdates: 1);
        Assert.Equal(3, _statements.Captured.Count(s => s.Contains("MERGE [PartnerLedger", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reading_totals_days_and_balances_from_the_running_figures_is_valid_TSql()
    {
        await using var db = _statements.Context();
        var reader = new LedgerReader(db, TimeProvider.System, Options.Create(new PartnerOptions()));
        // One partner's unattached USD, so the balances go on to what is still held.
        var unattached = new System.Data.DataTable();
        unattached.Columns.Add("PartnerId", typeof(Guid));
        unattached.Columns.Add("Currency", typeof(string));
        unattached.Columns.Add("Unattached", typeof(long));
        unattached.Rows.Add(Id, "USD", 700L);
        var count = new System.Data.DataTable();
        count.Columns.Add("Entries", typeof(long));
        count.Rows.Add(3L);
        _statements.Answer = sql => sql.Contains("[UnattachedEntries] > CAST(0 AS bigint)", StringComparison.Ordinal) ? unattached
            : sql.Contains("SUM(", StringComparison.Ordinal) && sql.Contains("FROM [PartnerLedgerTotals]", StringComparison.Ordinal) ? count : null;
        // Part of a day, two whole days, part of a day: three reads, then the balances' two (unattached, held). The chart
        // reads per week the same three parts; the day numbers and each slot's first day must translate too. Last, the
        // entry count a kept chart is keyed by.
        var period = LedgerPeriod.Of(Now.AddHours(-60), Now);
        await reader.SummaryAsync(Id, period, default);
        await reader.SummaryAsync(Id, LedgerPeriod.Of(null, null), default);
        await reader.NetPerSlotAsync(Id, period, 7, default);
        await reader.BalancesAsync([Id, Other], default);
        Assert.Equal(3, await reader.EntryCountAsync(Id, default));
        Assert.Equal(3 + 2 + 1 + 3 + 2 + 1, _statements.Captured.Count);
        Assert.Equal(2, _statements.Captured.Count(s => s.Contains("UNION ALL", StringComparison.Ordinal)));
        AssertValidTSql(expectUpdates: 0);
    }

    private static readonly Guid Id = Guid.CreateVersion7(), Other = Guid.CreateVersion7();
    private static readonly DateTime Now = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>Every conditional update of the money paths and transitions, by what it does; each is one statement.</summary>
    private static readonly Dictionary<string, Func<AppDbContext, Task<int>>> ConditionalUpdates = new()
    {
        ["paying invoices"] = db => InvoicePayments.PayAsync(db, [Id, Other], PaymentMethod.Stripe, Now, default),
        ["refunding an invoice (compare-and-swap)"] = db =>
            InvoiceRefunds.SwapRefundedAsync(db, Id, 0, 500, InvoiceStatus.PartiallyRefunded, StateMachines.Invoice.From(InvoiceStatus.PartiallyRefunded), default),
        ["settling an invoice with Stripe's take-back (compare-and-swap)"] = db =>
            InvoiceRefunds.SwapRefundedAsync(db, Id, 700, 200, InvoiceStatus.PartiallyRefunded, StateMachines.InvoiceSettled, default),
        ["voiding an invoice"] = db => InvoiceService.VoidAsync(db, Id, default),
        ["completing accrual tasks by id"] = db => AccrualJob.CompleteOpenAsync(db, t => new[] { Id, Other }.Contains(t.Id), Now, default),
        ["completing an invoice's accrual of one kind"] = db =>
            AccrualJob.CompleteOpenAsync(db, t => t.InvoiceId == Id && t.Kind == AccrualKind.Partner && t.RefundId == null, Now, default),
        ["suspending a partner"] = db => PartnerAccountService.MoveAsync(db, Id, PartnerStatus.Suspended, default),
        ["a rejected partner applying again"] = db => PartnerAccountService.ReapplyAsync(db, Id,
            new PartnerAccountService.ApplicationDetails("Acme Templates", "partners@acme.example", "US", "{\"method\":\"stripe_connect\"}"), default),
        ["pausing a listing"] = db => ListingService.MoveAsync(db, Id, ListingStatus.Paused, default),
        ["attaching entries to a payout"] = db => PayoutService.AttachAsync(db, Id, "USD", Now, Other, default),
        ["approving a payout"] = db => PayoutService.MoveAsync(db, Id, PayoutStatus.Approved, Now, null, default),
        ["marking a payout paid"] = db => PayoutService.MoveAsync(db, Id, PayoutStatus.Paid, Now, "wire-1", default),
        ["sending a payout with Stripe"] = db => PayoutSending.StartAsync(db, Id, Now, default),
        ["a payout paid by its transfer"] = db => SendPayoutJob.FinishAsync(db, Id, PayoutStatus.Paid, Now, "tr_1", null, default),
        ["a payout failed by Stripe"] = db => SendPayoutJob.FinishAsync(db, Id, PayoutStatus.Failed, Now, null, "refused", default),
        ["reversing a payout (compare-and-swap)"] = db => PayoutReversals.ReverseAsync(db, Id, 0, 700, Now, default),
        ["recording a connected account's update unless a later one is held"] = db => StripeAccountUpdates.RecordAsync(db, Id,
            new StripeAccountSnapshot("acct_1PartnerWebTest", true, false, true, ["external_account"], "requirements.past_due", Now), default),
    };

    public static TheoryData<string> ConditionalUpdateNames => new(ConditionalUpdates.Keys);

    [Theory]
    [MemberData(nameof(ConditionalUpdateNames))]
    public async Task Each_conditional_update_is_one_valid_TSql_UPDATE_with_its_condition(string name)
    {
        await using var db = _statements.Context();
        await ConditionalUpdates[name](db);
        var sql = Assert.Single(_statements.Captured);
        Assert.StartsWith("UPDATE", sql.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("WHERE", sql, StringComparison.Ordinal);
        TSql.AssertParses(sql);
    }

    /// <summary>
    /// Where the app writes past the change tracker, and how often: each is checked above (the PRAGMA is
    /// SQLite's own). A new one fails here until its statement is checked too.
    /// </summary>
    [Fact]
    public void Every_bulk_or_raw_statement_of_the_app_is_one_checked_here()
    {
        var expected = new Dictionary<string, int>
        {
            ["Auth/AccountLockout.cs"] = 1,
            ["Data/DatabaseSetup.cs"] = 1,
            ["Data/LedgerSql.cs"] = 3,
            ["Data/LoginFailureSql.cs"] = 1,
            ["Data/RateLimitWindowSql.cs"] = 1,
            ["Features/Admin/DeadTasks.cs"] = 1,
            ["Features/Billing/InvoicePayments.cs"] = 1,
            ["Features/Billing/InvoiceRefunds.cs"] = 1,
            ["Features/Billing/InvoiceService.cs"] = 1,
            ["Features/Partners/ListingService.cs"] = 1,
            ["Features/Partners/PartnerAccountService.cs"] = 2,
            ["Features/Partners/PayoutReversals.cs"] = 1,
            ["Features/Partners/PayoutSending.cs"] = 1,
            ["Features/Partners/PayoutService.cs"] = 3,
            ["Features/Partners/StripeAccountUpdates.cs"] = 1,
            ["Features/Users/UserService.cs"] = 1,
            ["Jobs/AccrualFailures.cs"] = 2,
            ["Jobs/AccrualJob.cs"] = 1,
            ["Jobs/PurgeRateLimitWindowsJob.cs"] = 2,
            ["Jobs/SendPayoutJob.cs"] = 1,
        };
        var app = Path.Combine(Reliability.AppProcess.RepoRoot, "PartnerWeb");
        var bulk = new System.Text.RegularExpressions.Regex(@"Execute(Update|Delete)Async\(|ExecuteSql|SqlQuery|FromSql");
        var found = Directory.EnumerateFiles(app, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(app, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("Data/Migrations/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Select(f => (File: f, Count: bulk.Matches(File.ReadAllText(Path.Combine(app, f))).Count))
            .Where(f => f.Count > 0)
            .ToDictionary(f => f.File, f => f.Count);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), found.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_TSql_check_can_fail()
    {
        _statements.Captured.Add("UPDATE [AccrualTasks] SET [Attempts] = [Attempts] + 1 WHERE [Id] IN (");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertValidTSql(expectUpdates: 0));
    }

    private void AssertValidTSql(int expectUpdates)
    {
        Assert.NotEmpty(_statements.Captured);
        Assert.True(_statements.Captured.Count(s => s.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)) >= expectUpdates,
            string.Join(Environment.NewLine + "--" + Environment.NewLine, _statements.Captured));
        foreach (var sql in _statements.Captured) TSql.AssertParses(sql);
    }
}
