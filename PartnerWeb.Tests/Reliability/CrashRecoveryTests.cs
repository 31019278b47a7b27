using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PartnerWeb.Tests.Reliability;

/// <summary>Runs alone: other test classes would compete for the CPU while it times its kills.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashRecoveryCollection
{
    public const string Name = "Crash recovery";
}

/// <summary>
/// Issue 7, item 4. The real app runs as a child process on a SQLite file; Hangfire's queue lives in
/// its memory, so kill -9 loses every queued accrual job. After a restart on the same file the
/// reconcile job (once at start-up) must complete every accrual exactly once, and the ledger must be
/// exact to the minor unit. Each test has its own database and processes.
/// </summary>
[Trait("Database", TestDatabase.SqliteOnly)]
[Collection(CrashRecoveryCollection.Name)]
public sealed class CrashRecoveryTests : IDisposable
{
    private const int Invoices = 200;
    private const int Concurrency = 16;
    private const int AccrualKinds = 2;
    private const int RestartTimeoutSeconds = 60;
    private const string Scenario = "Crash recovery";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "partnerweb-crash", Guid.NewGuid().ToString("N"));
    private readonly string _secret = "whsec_crash_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private readonly AppLog _log;
    private readonly SqliteFile _db;
    private readonly ITestOutputHelper _output;
    private AppProcess? _app;
    private bool _passed;

    public CrashRecoveryTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir);
        _log = new AppLog(Path.Combine(_dir, "app.log"));
        _db = new SqliteFile(Path.Combine(_dir, "partnerweb.db"));
    }

    [Fact]
    public Task Kill_right_after_the_last_webhook_answer_loses_no_accrual_and_doubles_none() => WithAppLogAsync(async () =>
    {
        var shop = await SetUpAsync([Sale.CrmAddOn]);
        var invoices = await InstallAsync(shop, Sale.CrmAddOn, Invoices);

        var paying = Stopwatch.StartNew();
        var outcomes = await PayAsync(invoices, "last");
        Kill();
        var paid = paying.Elapsed;
        var acknowledged = AssertAllAcknowledgedAsPaid(outcomes);
        var atKill = StateAtKill("at-last-answer");

        var recovery = await RestartAndWaitForAccrualsAsync(invoices.Count);
        var ledger = AssertLedger(shop, invoices, acknowledged);

        Record($"{Invoices} webhook payments acknowledged ({Concurrency} concurrent, {paid.TotalSeconds:0.0} s), kill -9 right after the last answer: "
            + $"{atKill.CompletedTasks} of {atKill.Tasks} accrual tasks complete at the kill; restart: all complete after {recovery.TotalSeconds:0.0} s; "
            + ledger.Describe(Sale.CrmAddOn));
    });

    [Fact]
    public Task Kill_in_the_middle_of_accrual_loses_no_accrual_and_doubles_none() => WithAppLogAsync(async () =>
    {
        // One Hangfire worker (Jobs:WorkerCount, default 4) and jobs of two tasks (Jobs:AccrualBatchSize,
        // default 200) until the kill, so accrual trails the group-committed payments and a kill lands
        // between its transactions; the restart runs with the defaults.
        var shop = await SetUpAsync([Sale.CrmAddOn], new Dictionary<string, string>
        {
            ["Jobs__WorkerCount"] = "1",
            ["Jobs__AccrualBatchSize"] = "2",
        });
        var invoices = await InstallAsync(shop, Sale.CrmAddOn, Invoices);
        var acknowledged = new HashSet<Guid>();
        IReadOnlyDictionary<Guid, Sale> batch = invoices;
        const string completed = "SELECT COUNT(*) FROM AccrualTasks WHERE CompletedAt IS NOT NULL";
        long completedAtLastAnswer;
        var batches = 1;
        while (true)
        {
            acknowledged.UnionWith(AssertAllAcknowledgedAsPaid(await PayAsync(batch, $"middle{batches}")));
            completedAtLastAnswer = _db.Scalar(completed);
            if (completedAtLastAnswer < invoices.Count * AccrualKinds) break;
            // Accrual kept up with every payment, so there is no middle left to kill in: more invoices, paid the same way.
            Assert.True(batches < 3, $"accrual kept up with the payments of {batches} batches; a kill cannot land in its middle");
            var more = await InstallAsync(shop, Sale.CrmAddOn, Invoices / 2);
            foreach (var (id, sale) in more) invoices.Add(id, sale);
            batch = more;
            batches++;
        }
        var tasks = invoices.Count * AccrualKinds;

        // Every payment is acknowledged and the accrual jobs are running behind them. Kill once half of
        // what was left at the last answer is done: mid-stream, with jobs in flight and no webhook traffic.
        // The poll's connection is closed before the kill.
        long completedBeforeKill;
        using (var connection = _db.Open())
        {
            var target = completedAtLastAnswer + (tasks - completedAtLastAnswer + 1) / 2;
            var waited = Stopwatch.StartNew();
            do completedBeforeKill = SqliteFile.Scalar(connection, completed);
            while (completedBeforeKill < target && waited.Elapsed < TimeSpan.FromSeconds(30));
        }
        Kill();
        var atKill = StateAtKill("in-the-middle");
        Assert.True(atKill.CompletedTasks > 0 && atKill.CompletedTasks < tasks,
            $"the kill did not land in the middle of accrual: {atKill.CompletedTasks} of {tasks} tasks complete");

        var recovery = await RestartAndWaitForAccrualsAsync(invoices.Count);
        var ledger = AssertLedger(shop, invoices, acknowledged);

        Record($"{acknowledged.Count} webhook payments acknowledged (1 Hangfire worker, jobs of 2 tasks; {completedAtLastAnswer} of {tasks} accrual tasks complete at the last answer"
            + (batches > 1 ? $", {batches} batches" : "") + "), "
            + $"kill -9 in the middle of accrual: {atKill.CompletedTasks} of {atKill.Tasks} accrual tasks complete "
            + $"({atKill.Earnings} earnings, {atKill.ResellerCommissions} reseller commissions) at the kill; restart: all complete after {recovery.TotalSeconds:0.0} s; "
            + ledger.Describe(Sale.CrmAddOn));
    });

    [Fact]
    public Task Kill_during_payout_generation_puts_every_earning_in_exactly_one_payout() => WithAppLogAsync(async () =>
    {
        var shop = await SetUpAsync([Sale.CrmAddOn, Sale.EuroAddOn, Sale.PoundAddOn]);
        // Three currencies: generation is one transaction per currency, so a kill can fall between them.
        var invoices = new Dictionary<Guid, Sale>();
        foreach (var (sale, count) in new[] { (Sale.CrmAddOn, Invoices), (Sale.EuroAddOn, 50), (Sale.PoundAddOn, 50) })
            foreach (var (id, s) in await InstallAsync(shop, sale, count)) invoices.Add(id, s);

        var outcomes = await PayAsync(invoices, "payout");
        var acknowledged = AssertAllAcknowledgedAsPaid(outcomes);
        await WaitForAccrualsAsync(invoices.Count, "accrual before payout generation");
        var ledger = AssertLedger(shop, invoices, acknowledged);
        var owed = ledger.NetByCurrency;

        // Kill 1: inside the first currency's transaction (the app holds the write lock, no payout committed yet).
        // This transaction is slow (the process compiles its queries), so the kill lands inside it. Without
        // /proc/locks it falls back to "as soon as a payout row appears".
        var locks = AppProcess.CanSeeSqliteLocks;
        var first = await KillDuringGenerationAsync(shop, (committed, writing) => locks ? committed == 0 && writing : committed > 0);
        Assert.True(!first.Answered && first.Payouts.Count < 3, $"the first kill did not land during generation: {first.Describe()}");
        await RestartAsync();
        // Kill 2: as soon as the first currency's payout is committed; the later currencies are quick, so
        // where exactly this lands is recorded, not asserted.
        var second = await KillDuringGenerationAsync(shop, (committed, _) => committed > 0);
        await RestartAsync();
        using var restartedAdmin = _app!.Client(shop.AdminToken);
        var generations = new List<int>();
        for (var round = 0; ; round++)
        {
            Assert.True(round < 5, "generation still finds earnings owed after 5 rounds");
            var response = await restartedAdmin.PostAsync($"/api/partners/{shop.PartnerId}/payouts/generate", null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"generate answered {(int)response.StatusCode}: {body}");
            var made = JsonDocument.Parse(body).RootElement.GetProperty("payouts").GetArrayLength();
            Assert.Equal(response.StatusCode == HttpStatusCode.Created, made > 0);
            if (made == 0) break;
            generations.Add(made);
        }

        var payouts = _db.Rows("SELECT Id, Currency, Amount, Status, PartnerId FROM PartnerPayouts",
            r => (Id: Guid.Parse(r.GetString(0)), Currency: r.GetString(1), Amount: r.GetInt64(2), Status: r.GetString(3), PartnerId: Guid.Parse(r.GetString(4))));
        var earnings = _db.Rows("SELECT Id, Currency, PartnerNet, PayoutId FROM PartnerEarnings",
            r => (Id: Guid.Parse(r.GetString(0)), Currency: r.GetString(1), Net: r.GetInt64(2), PayoutId: r.IsDBNull(3) ? (Guid?)null : Guid.Parse(r.GetString(3))));
        var generatedAudits = _db.Rows($"SELECT EntityId FROM AuditEvents WHERE Action = '{AuditActions.PartnerPayoutGenerated}'", r => Guid.Parse(r.GetString(0)));
        var payoutIds = payouts.Select(p => p.Id).ToHashSet();

        // Every earning is in exactly one payout that exists (a payout column holds one id; it must name a committed payout).
        Assert.Equal(invoices.Count, earnings.Count);
        Assert.All(earnings, e => Assert.True(e.PayoutId is { } id && payoutIds.Contains(id), $"earning {e.Id} is in no committed payout"));
        Assert.All(payouts, p => Assert.True(p.Amount > 0, $"payout {p.Id} has amount {p.Amount}"));
        Assert.All(payouts, p => Assert.Equal("Owed", p.Status));
        Assert.All(payouts, p => Assert.Equal(shop.PartnerId, p.PartnerId));
        foreach (var payout in payouts)
        {
            var attached = earnings.Where(e => e.PayoutId == payout.Id).ToList();
            Assert.Equal(attached.Sum(e => e.Net), payout.Amount);
            Assert.All(attached, e => Assert.Equal(payout.Currency, e.Currency));
        }
        // One payout per currency: everything was owed before the first generation, and a currency is either committed or rolled back whole.
        Assert.Equal(owed.Keys.Order(), payouts.Select(p => p.Currency).Order());
        foreach (var (currency, net) in owed)
        {
            Assert.Equal(net, payouts.Where(p => p.Currency == currency).Sum(p => p.Amount));
            Assert.Equal(net, earnings.Where(e => e.Currency == currency).Sum(e => e.Net));
        }
        Assert.Equal(payoutIds.Order(), generatedAudits.Order());
        Assert.Equal(second.Payouts.Count + generations.Sum(), payouts.Count);
        // What a kill left committed stays as it was; what it left uncommitted is gone.
        Assert.Subset(second.Payouts.ToHashSet(), first.Payouts.ToHashSet());
        Assert.Subset(payouts.Select(p => new CommittedPayout(p.Id, p.Currency, p.Amount)).ToHashSet(), second.Payouts.ToHashSet());

        Record($"{earnings.Count} earnings in 3 currencies; payout generation killed -9 twice: {first.Describe()}; {second.Describe()}; "
            + $"after the last restart generation made {generations.Sum()} more, then nothing owed: "
            + $"{payouts.Count} payouts (one per currency), every earning in exactly one, 0 payouts of amount 0, "
            + string.Join(", ", owed.OrderBy(o => o.Key).Select(o => $"Σ {o.Key} payouts {payouts.Where(p => p.Currency == o.Key).Sum(p => p.Amount)} = Σ nets {o.Value}")));
    });

    // ---------------------------------------------------------------- set-up

    /// <summary>The shop of <see cref="Shop.SetUpAsync"/> on a fresh app.</summary>
    private async Task<Shop> SetUpAsync(Sale[] sales, IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = await StartAsync(settings);
        return await Shop.SetUpAsync(app, await app.TokenAsync(Demo.PlatformAdmin), sales, "Crash Child", "owner@crash-child.example");
    }

    /// <summary>The buyer installs the item <paramref name="count"/> times; each install opens one invoice.</summary>
    private async Task<Dictionary<Guid, Sale>> InstallAsync(Shop shop, Sale sale, int count)
    {
        using var buyer = _app!.Client(shop.BuyerToken);
        var itemId = shop.Items[sale.Name];
        var invoices = new ConcurrentDictionary<Guid, Sale>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var created = await (await buyer.PostAsync($"/api/marketplace/items/{itemId}/install", null, ct)).AssertJsonAsync(HttpStatusCode.Created);
            var invoice = created.GetProperty("invoice");
            Assert.Equal(sale.Price, invoice.GetProperty("total").GetInt64());
            Assert.Equal(sale.Currency, invoice.GetProperty("currency").GetString());
            Assert.Equal("open", invoice.GetProperty("status").GetString());
            invoices[invoice.GetProperty("id").GetGuid()] = sale;
        });
        Assert.Equal(count, invoices.Count);
        return new Dictionary<Guid, Sale>(invoices);
    }

    // ---------------------------------------------------------------- payments, kills, restarts

    /// <summary>One signed invoice.paid event per invoice, <see cref="Concurrency"/> at a time; returns each answer's outcome.</summary>
    private async Task<IReadOnlyDictionary<Guid, string>> PayAsync(IReadOnlyDictionary<Guid, Sale> invoices, string run)
    {
        var app = _app!;
        var outcomes = new ConcurrentDictionary<Guid, string>();
        await Parallel.ForEachAsync(invoices, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (invoice, ct) =>
        {
            var (invoiceId, sale) = (invoice.Key, invoice.Value);
            var payload = StripeSigner.InvoicePaid($"evt_crash_{run}_{invoiceId:N}", invoiceId, sale.Price, sale.Currency.ToLowerInvariant());
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/stripe/webhook")
            {
                Content = new StringContent(payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSigner.Header(payload, _secret, DateTimeOffset.UtcNow));
            using var response = await app.Http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            outcomes[invoiceId] = response.StatusCode == HttpStatusCode.OK
                ? JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString()!
                : $"HTTP {(int)response.StatusCode}: {body}";
        });
        return outcomes;
    }

    private static HashSet<Guid> AssertAllAcknowledgedAsPaid(IReadOnlyDictionary<Guid, string> outcomes)
    {
        var wrong = outcomes.Where(o => o.Value != "paid").Take(5).Select(o => $"{o.Key}: {o.Value}").ToList();
        Assert.True(wrong.Count == 0, $"{outcomes.Count(o => o.Value != "paid")} deliveries were not acknowledged as paid, e.g. {string.Join("; ", wrong)}");
        return outcomes.Keys.ToHashSet();
    }

    /// <summary>Starts the app on this test's database; a restart uses the default settings.</summary>
    private async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        _app?.Dispose();
        _app = null;
        _app = await AppProcess.StartAsync(_db.Path, _secret, _log, settings);
        return _app;
    }

    private Task<AppProcess> RestartAsync() => StartAsync();

    private void Kill() => _app!.Kill();

    private sealed record KillState(long Tasks, long CompletedTasks, long Earnings, long ResellerCommissions);

    /// <summary>What the killed process left on disk, read from a copy so the original stays as the crash left it.</summary>
    private KillState StateAtKill(string name)
    {
        Assert.True(_app!.HasExited, "the app is still running");
        var snapshot = _db.Snapshot(Path.Combine(_dir, $"{name}.db"));
        return new KillState(
            snapshot.Scalar("SELECT COUNT(*) FROM AccrualTasks"),
            snapshot.Scalar("SELECT COUNT(*) FROM AccrualTasks WHERE CompletedAt IS NOT NULL"),
            snapshot.Scalar("SELECT COUNT(*) FROM PartnerEarnings"),
            snapshot.Scalar("SELECT COUNT(*) FROM ResellerCommissions"));
    }

    /// <summary>Restarts on the same file and waits until the start-up reconcile has completed every accrual task.</summary>
    private async Task<TimeSpan> RestartAndWaitForAccrualsAsync(int invoices)
    {
        var clock = Stopwatch.StartNew();
        await RestartAsync();
        await WaitForAccrualsAsync(invoices, "every accrual task to complete after the restart");
        return clock.Elapsed;
    }

    private async Task WaitForAccrualsAsync(int invoices, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var total = _db.Scalar("SELECT COUNT(*) FROM AccrualTasks");
            var open = _db.Scalar("SELECT COUNT(*) FROM AccrualTasks WHERE CompletedAt IS NULL");
            if (total == invoices * AccrualKinds && open == 0) return;
            Assert.True(deadline.Elapsed.TotalSeconds < RestartTimeoutSeconds,
                $"Timed out after {RestartTimeoutSeconds} s waiting for {what}: {open} of {total} accrual tasks still open (expected {invoices * AccrualKinds} tasks)");
            Assert.False(_app!.HasExited, "the app died while accruing");
            await Task.Delay(200);
        }
    }

    private sealed record CommittedPayout(Guid Id, string Currency, long Amount);

    private sealed record GenerationKill(TimeSpan After, bool WriteLockHeld, bool Answered, IReadOnlyList<CommittedPayout> Payouts, long AttachedEarnings)
    {
        public string Describe() =>
            $"killed {After.TotalMilliseconds:0} ms after the request "
            + (Answered ? "after it had answered" : "before it answered")
            + (!WriteLockHeld ? ", no write transaction open"
                : Payouts.Count == 0 ? ", inside the first currency's transaction (write lock held, nothing committed)"
                : ", write lock held")
            + $", {Payouts.Count} of 3 currency payouts committed at the kill ({(Payouts.Count == 0 ? "none" : string.Join(", ", Payouts.Select(p => $"{p.Currency} {p.Amount}").Order()))}; {AttachedEarnings} earnings attached)";
    }

    /// <summary>
    /// Fires POST …/payouts/generate and kill -9s the app as soon as <paramref name="killWhen"/>(payouts
    /// committed, write transaction open) holds, or the request has answered. Returns what was on disk.
    /// </summary>
    private async Task<GenerationKill> KillDuringGenerationAsync(Shop shop, Func<long, bool, bool> killWhen)
    {
        var app = _app!;
        using var admin = app.Client(shop.AdminToken);
        var fired = Stopwatch.StartNew();
        var generation = admin.PostAsync($"/api/partners/{shop.PartnerId}/payouts/generate", null);
        TimeSpan after;
        using (var connection = _db.Open())
        {
            while (true)
            {
                var committed = SqliteFile.Scalar(connection, "SELECT COUNT(*) FROM PartnerPayouts");
                if (killWhen(committed, app.HoldsSqliteWriteLock()) || generation.IsCompleted || fired.Elapsed > TimeSpan.FromSeconds(30)) break;
            }
            after = fired.Elapsed;
            // Frozen, the app's locks stay as they were at this moment (closing this connection then is no checkpoint: the app still holds the file).
            app.Freeze();
        }
        var writing = app.HoldsSqliteWriteLock();
        var answered = generation.IsCompleted;
        Kill();
        try
        {
            (await generation).Dispose();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The connection died with the process.
        }
        var snapshot = _db.Snapshot(Path.Combine(_dir, $"payout-kill-{Guid.NewGuid():N}.db"));
        // Nothing of an uncommitted payout survives: every attached earning names a committed payout, whose amount is its sum.
        Assert.Equal(0, snapshot.Scalar("SELECT COUNT(*) FROM PartnerEarnings e WHERE e.PayoutId IS NOT NULL AND NOT EXISTS (SELECT 1 FROM PartnerPayouts p WHERE p.Id = e.PayoutId)"));
        Assert.Equal(0, snapshot.Scalar("SELECT COUNT(*) FROM PartnerPayouts p WHERE p.Amount <> (SELECT COALESCE(SUM(e.PartnerNet), 0) FROM PartnerEarnings e WHERE e.PayoutId = p.Id)"));
        return new GenerationKill(after, writing, answered,
            snapshot.Rows("SELECT Id, Currency, Amount FROM PartnerPayouts", r => new CommittedPayout(Guid.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2))),
            snapshot.Scalar("SELECT COUNT(*) FROM PartnerEarnings WHERE PayoutId IS NOT NULL"));
    }

    // ---------------------------------------------------------------- the ledger

    private sealed record Ledger(int Paid, int Earnings, int Commissions, int DuplicateEarnings, int DuplicateCommissions, long SumGross, long SumCommission, long SumNet,
        IReadOnlyDictionary<string, long> NetByCurrency)
    {
        public string Describe(Sale sale) =>
            $"{Paid} paid, {Earnings} earnings, {Commissions} reseller commissions, {DuplicateEarnings + DuplicateCommissions} duplicates, "
            + $"Σ net {SumNet} = {Paid} × {sale.Net}, Σ gross {SumGross} = Σ commission {SumCommission} + Σ net {SumNet}";
    }

    /// <summary>
    /// Every acknowledged payment is paid; every paid invoice has exactly one earning, one reseller
    /// commission and one audit row of each kind; every accrual task is complete; sums are exact.
    /// </summary>
    private Ledger AssertLedger(Shop shop, IReadOnlyDictionary<Guid, Sale> invoices, IReadOnlySet<Guid> acknowledged)
    {
        var statuses = _db.Rows("SELECT Id, Status FROM Invoices", r => (Id: Guid.Parse(r.GetString(0)), Status: r.GetString(1))).ToDictionary(r => r.Id, r => r.Status);
        Assert.All(acknowledged, id => Assert.Equal("Paid", statuses[id]));
        Assert.Equal(invoices.Count, statuses.Count(s => s.Value == "Paid"));
        Assert.Equal(invoices.Count, _db.Scalar("SELECT COUNT(*) FROM ProcessedStripeEvents WHERE Outcome = 'paid'"));

        var earnings = _db.Rows("SELECT Id, InvoiceId, PartnerId, Currency, GrossAmount, CommissionAmount, PartnerNet FROM PartnerEarnings", r => (
            Id: Guid.Parse(r.GetString(0)), InvoiceId: Guid.Parse(r.GetString(1)), PartnerId: Guid.Parse(r.GetString(2)), Currency: r.GetString(3),
            Gross: r.GetInt64(4), Commission: r.GetInt64(5), Net: r.GetInt64(6)));
        var commissions = _db.Rows("SELECT Id, InvoiceId, Amount, Currency FROM ResellerCommissions", r => (
            Id: Guid.Parse(r.GetString(0)), InvoiceId: Guid.Parse(r.GetString(1)), Amount: r.GetInt64(2), Currency: r.GetString(3)));

        var duplicateEarnings = earnings.Count - earnings.Select(e => e.InvoiceId).Distinct().Count();
        var duplicateCommissions = commissions.Count - commissions.Select(c => c.InvoiceId).Distinct().Count();
        Assert.Equal(0, duplicateEarnings);
        Assert.Equal(0, duplicateCommissions);
        Assert.Equal(invoices.Keys.Order(), earnings.Select(e => e.InvoiceId).Order());
        Assert.Equal(invoices.Keys.Order(), commissions.Select(c => c.InvoiceId).Order());
        shop.AssertEntriesAsSold(invoices,
            earnings.Select(e => (e.InvoiceId, e.PartnerId, e.Currency, e.Gross, e.Commission, e.Net)), commissions.Select(c => (c.InvoiceId, c.Currency, c.Amount)));

        // One audit row per state change: the payment, each earning, each commission.
        Assert.Equal(invoices.Keys.Order(), AuditEntities(AuditActions.InvoicePaid).Order());
        Assert.Equal(earnings.Select(e => e.Id).Order(), AuditEntities(AuditActions.PartnerEarningAccrued).Order());
        Assert.Equal(commissions.Select(c => c.Id).Order(), AuditEntities(AuditActions.ResellerCommissionAccrued).Order());

        // Every task complete; one task per kind per invoice.
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM AccrualTasks WHERE CompletedAt IS NULL"));
        Assert.Equal(invoices.Count * AccrualKinds, _db.Scalar("SELECT COUNT(DISTINCT InvoiceId || Kind) FROM AccrualTasks"));

        // Exact sums, in SQL and in C#, to the minor unit.
        var sumGross = _db.Scalar("SELECT COALESCE(SUM(GrossAmount), 0) FROM PartnerEarnings");
        var sumCommission = _db.Scalar("SELECT COALESCE(SUM(CommissionAmount), 0) FROM PartnerEarnings");
        var sumNet = _db.Scalar("SELECT COALESCE(SUM(PartnerNet), 0) FROM PartnerEarnings");
        Assert.Equal(sumGross, sumCommission + sumNet);
        Assert.Equal(earnings.Sum(e => e.Net), sumNet);
        Assert.Equal(invoices.Values.Sum(s => s.Net), sumNet);
        Assert.Equal(invoices.Values.Sum(s => s.Price), sumGross);
        Assert.Equal(invoices.Values.Sum(s => s.ResellerCommission), _db.Scalar("SELECT COALESCE(SUM(Amount), 0) FROM ResellerCommissions"));
        Assert.All(earnings, e => Assert.Equal(e.Gross, e.Commission + e.Net));

        var netByCurrency = earnings.GroupBy(e => e.Currency).ToDictionary(g => g.Key, g => g.Sum(e => e.Net));
        return new Ledger(statuses.Count(s => s.Value == "Paid"), earnings.Count, commissions.Count, duplicateEarnings, duplicateCommissions,
            sumGross, sumCommission, sumNet, netByCurrency);
    }

    private List<Guid> AuditEntities(string action) =>
        _db.Rows($"SELECT EntityId FROM AuditEvents WHERE Action = '{action}'", r => Guid.Parse(r.GetString(0)));

    // ---------------------------------------------------------------- plumbing

    private void Record(string figure)
    {
        _output.WriteLine(figure);
        ReliabilityFigures.Record(Scenario, figure);
    }

    /// <summary>Runs the test body; a failure carries the tail of the app's log.</summary>
    private async Task WithAppLogAsync(Func<Task> body)
    {
        try
        {
            await body();
            _passed = true;
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.Message}{Environment.NewLine}{_log.Tail()}", ex);
        }
    }

    public void Dispose()
    {
        _app?.Dispose();
        foreach (var db in Directory.GetFiles(_dir, "*.db")) SqliteFile.Delete(db);
        if (_passed) Directory.Delete(_dir, recursive: true);
        else _output.WriteLine($"The app's log is kept at {_log.Path}");
    }
}
