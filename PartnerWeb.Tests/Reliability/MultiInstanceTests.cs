using System.Diagnostics;
using System.Security.Cryptography;
using PartnerWeb.Data;
using PartnerWeb.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PartnerWeb.Tests.Reliability;

/// <summary>Runs alone: three app processes and PostgreSQL share the cores with no other test class.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiInstanceCollection
{
    public const string Name = "Multi-instance";
}

/// <summary>
/// Issue 14, item 8. Three PartnerWeb processes on one PostgreSQL database with Hangfire.PostgreSql
/// as their shared job storage: the deployment of "several instances". Every invoice is paid by
/// three deliveries of one signed Stripe event, each to a different instance, and some also by a
/// platform admin at the same moment; one instance is killed -9 in the middle, and what it would
/// have received, or failed to answer, goes to a survivor, as Stripe (or the admin) would send it
/// again. Its accrual work is finished by the recurring reconcile job on the survivors. Then the
/// killed instance is started again and payout generation is started from all three at once.
/// Answers, ledger and payouts are asserted as they come; what leaves the money right but is still
/// wrong (a 5xx answer, accrual stalled on the survivors, a replacement that cannot start) is
/// reported together at the end, after the money has been checked. Needs <c>PARTNERWEB_TEST_POSTGRES</c>.
/// </summary>
[Trait("Database", TestDatabase.PostgreSqlOnly)]
[Collection(MultiInstanceCollection.Name)]
public sealed partial class MultiInstanceTests : IDisposable
{
    private const int Instances = 3;
    private const int DeliveriesPerInvoice = 3;
    private const int ManualEvery = 4;
    private const int InvoicesInFlight = 8;
    private const int KillAfterInvoices = 120;
    private const int Victim = 1;
    private const int MaxTries = 5;
    private const int AccrualKinds = 2;
    private const int AccrualTimeoutSeconds = 90;
    private const int Seed = 14;
    private const string NoAnswer = "no answer";
    private const string Scenario = "Multi-instance: three processes on one PostgreSQL database";

    /// <summary>How many invoices of each sale the buyer opens.</summary>
    private static readonly (Sale Sale, int Count)[] Sales = [(Sale.CrmAddOn, 200), (Sale.EuroAddOn, 50), (Sale.PoundAddOn, 50)];

    /// <summary>
    /// The same for every instance. Hangfire reads a six-field cron with seconds first
    /// (RecurringJobEntity.ParseCronExpression, Cronos' IncludeSeconds), so the reconcile job runs
    /// every 2 s instead of every minute and picks up tasks 5 s old; the monthly payout job never fires,
    /// so every payout is one this test asked for. Every repeated delivery fails on the event id's
    /// primary key by design, and EF Core logs each such failure with its stack before the app handles
    /// it: thousands of lines that cost the shared CPU; what the app does not handle, it logs itself.
    /// </summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Jobs__ReconcileCron"] = "*/2 * * * * *",
        ["Jobs__ReconcileGraceSeconds"] = "5",
        ["Partners__PayoutCron"] = Hangfire.Cron.Never(),
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Update"] = "None",
    };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "partnerweb-multi", Guid.NewGuid().ToString("N"));
    private readonly string _secret = "whsec_multi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private readonly string _database;
    private readonly string _connectionString;
    private readonly PostgresDatabase _db;
    private readonly AppLog[] _logs = new AppLog[Instances];
    private readonly AppProcess?[] _apps = new AppProcess?[Instances];
    private readonly HttpClient?[] _admins = new HttpClient?[Instances];
    private readonly bool[] _dead = new bool[Instances];
    private readonly int[] _inFlight = new int[Instances];
    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _run = Stopwatch.StartNew();
    private string? _adminToken;
    private bool _passed;

    public MultiInstanceTests(ITestOutputHelper output)
    {
        _output = output;
        // A fresh database named after a path of this test only (TestDatabase.NameFor); dropped in Dispose.
        var path = Path.Combine(_dir, "partnerweb");
        _database = TestDatabase.NameFor(path);
        _connectionString = TestDatabase.PostgresConnectionString(path);
        _db = new PostgresDatabase(_connectionString);
        Directory.CreateDirectory(_dir);
        for (var n = 0; n < Instances; n++) _logs[n] = new AppLog(Path.Combine(_dir, $"app{n + 1}.log"));
    }

    [Fact]
    public Task Three_instances_through_a_kill_pay_each_invoice_once_accrue_once_and_generate_one_payout_per_currency() => WithAppLogsAsync(async () =>
    {
        var run = _run;
        // Instance 1 creates and migrates the database and seeds the demo data; the others start on it.
        await StartAsync(0);
        Phase("instance 1 started");
        // The first token makes the Data Protection key that every instance reads from the database; the
        // others start once it exists, while instance 1 sets up the partner and opens the invoices.
        _adminToken = await _apps[0]!.TokenAsync(Demo.PlatformAdmin);
        var others = Task.WhenAll(StartAsync(1), StartAsync(2));
        _admins[0] = _apps[0]!.Client(_adminToken);
        var shop = await Shop.SetUpAsync(_apps[0]!, _adminToken, Sales.Select(s => s.Sale), "Multi Child", "owner@multi-child.example");
        var invoices = await InstallAsync(_apps[0]!, shop);
        var expectedInvoices = Sales.Sum(s => s.Count);
        Assert.Equal(expectedInvoices, invoices.Count);
        Phase("invoices installed");
        await others;
        var started = run.Elapsed;
        Phase("3 instances started");

        // ---- the load: 3 deliveries per invoice, manual payments racing them, a kill -9 in the middle
        var paying = Stopwatch.StartNew();
        var (requests, kill) = await PayAsync(shop, invoices);
        var paid = paying.Elapsed;
        var sinceLastAnswer = Stopwatch.StartNew();
        Phase("every payment answered");
        Assert.True(kill is not null, "the kill did not happen");
        Assert.True(_apps[Victim]!.HasExited, "the killed instance is still running");
        var openAtLastAnswer = _db.Scalar("""SELECT COUNT(*) FROM "AccrualTasks" WHERE "CompletedAt" IS NULL""");
        Phase($"kill after {kill!.InvoicesStarted} invoices, {kill.InFlight} requests in flight to it; {openAtLastAnswer} accrual tasks open at the last answer");

        // Every request was answered in the end; an answer other than these is wrong whatever happened.
        // A 5xx is held back to the end (AssertNoDeferredFailures), after the state it left has been checked.
        var wrong = requests.Where(r => !r.ServerError && !(r.Via == Via.Webhook
            ? r.Final is "paid" or "duplicate" or "alreadypaid"
            : r.Final is "paid" or "conflict")).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} requests ended with a wrong answer, e.g. {string.Join("; ", wrong.Take(5).Select(r => r.Describe()))}");
        // Only the killed instance left a request unanswered, and only requests started before it died.
        var unansweredTries = requests.SelectMany(r => r.Tries).Where(t => t.Answer == NoAnswer).ToList();
        Assert.All(unansweredTries, t => Assert.Equal(Victim, t.Instance));
        // The payments are decided: one paid answer per invoice, matching what was committed.
        var answers = AssertOnePaidAnswerPerInvoice(invoices, requests);
        Phase($"answers: {answers.WebhookPaid} deliveries paid, {answers.ManualPaid} manual 200, {answers.ManualConflicts} manual 409, "
            + $"{answers.Duplicates} duplicate, {answers.AlreadyPaid} alreadypaid, {answers.LostWithKill} paid answers lost with the kill");

        // ---- accrual: the survivors' recurring reconcile job completes what the killed instance left open
        var stalled = await WaitForAccrualsAsync(expectedInvoices);
        var accrued = sinceLastAnswer.Elapsed;
        Phase(stalled ?? "every accrual complete");

        // ---- the killed instance is replaced; if accrual stalled on the survivors, its start-up reconcile
        // (a plain enqueue, no recurring-job lock) must finish it, so the money can still be checked.
        // A replacement that cannot start is reported at the end; the payouts are then generated on the two survivors.
        var replacementFailed = await ReplaceVictimAsync();
        Phase(replacementFailed ?? "killed instance replaced");
        if (stalled is not null)
        {
            Assert.True(replacementFailed is null, $"{stalled}; {replacementFailed}");
            var after = await WaitForAccrualsAsync(expectedInvoices);
            Assert.True(after is null, $"{stalled}; and after the killed instance was replaced: {after}");
            Phase("every accrual complete after the replacement");
        }

        var ledger = AssertLedger(shop, invoices, answers.AnsweredPaid);

        // ---- payouts: every running instance (all three unless the replacement failed) generates at once
        var generation = await GenerateFromAllAsync(shop);
        var payouts = AssertOnePayoutPerCurrency(shop, ledger, generation);
        Phase("payouts checked");

        var deadlocks = _db.Scalar("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
        AssertNoDeferredFailures([stalled, replacementFailed], requests, generation, deadlocks);

        Record($"{expectedInvoices} invoices (USD, EUR, GBP) of a reseller's child tenant; {requests.Count(r => r.Via == Via.Webhook)} signed invoice.paid deliveries "
            + $"({DeliveriesPerInvoice} per invoice, each to a different instance) and {requests.Count(r => r.Via == Via.Manual)} manual payments racing them, "
            + $"{InvoicesInFlight} invoices in flight, in {paid.TotalSeconds:0.0} s; instance {Victim + 1} killed -9 after {kill!.InvoicesStarted} invoices had started, "
            + $"{kill.InFlight} of its requests in flight: {unansweredTries.Count} requests unanswered and sent again to a survivor; "
            + $"{openAtLastAnswer} accrual tasks open at the last answer, all complete {accrued.TotalSeconds:0.0} s after it (reconcile every 2 s on the survivors)");
        Record($"Answers: {answers.WebhookPaid} deliveries answered paid, {answers.ManualPaid} manual payments answered 200, {answers.ManualConflicts} answered 409, "
            + $"{answers.Duplicates} duplicate and {answers.AlreadyPaid} alreadypaid deliveries; every invoice has exactly one paid answer, "
            + $"except {answers.LostWithKill} whose paying request died with the killed instance (committed, its repeat answered duplicate/409); "
            + $"0 answered 5xx; PostgreSQL detected {deadlocks} deadlocks in the database (all absorbed, none answered)");
        Record(ledger.Describe() + $"; each invoice 1 INVOICE_PAID audit event and 1 processed Stripe event");
        Record(payouts);
        Record($"Run time {run.Elapsed.TotalSeconds:0} s, of which {started.TotalSeconds:0} s to start the instances and open the invoices, {paid.TotalSeconds:0} s of payments"
            + (File.Exists("/proc/loadavg") ? $" (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores at the end)" : ""));
    });

    // ---------------------------------------------------------------- instances

    private async Task<AppProcess> StartAsync(int n)
    {
        _admins[n]?.Dispose();
        _admins[n] = null;
        _apps[n]?.Dispose();
        _apps[n] = null;
        var app = await AppProcess.StartAsync(DatabaseProvider.PostgreSql, _connectionString, _secret, _logs[n], Settings, timeoutSeconds: 120);
        _apps[n] = app;
        if (_adminToken is not null) _admins[n] = app.Client(_adminToken);
        Volatile.Write(ref _dead[n], false);
        return app;
    }

    /// <summary>The instance itself while it runs, else the next one that does: where a load balancer would send the request.</summary>
    private int Alive(int preferred)
    {
        for (var i = 0; i < Instances; i++)
        {
            var n = (preferred + i) % Instances;
            if (!Volatile.Read(ref _dead[n])) return n;
        }
        throw new InvalidOperationException("no instance is running");
    }

    private sealed record Kill(int InvoicesStarted, int InFlight, DateTime At);

    private Kill? _kill;

    /// <summary>
    /// Starts the killed instance again on the database; null when it runs, else why it could not
    /// start (the last unhandled exception in its log).
    /// </summary>
    private async Task<string?> ReplaceVictimAsync()
    {
        try
        {
            await StartAsync(Victim);
            return null;
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            var lines = File.ReadAllLines(_logs[Victim].Path);
            var start = Array.FindLastIndex(lines, l => l.StartsWith("=== start", StringComparison.Ordinal));
            var error = lines.Skip(Math.Max(0, start)).FirstOrDefault(l => l.Contains("Unhandled exception.", StringComparison.Ordinal));
            return $"the killed instance could not be started again: {ex.Message.Split('\n')[0].Trim()} {error?.Replace("[stderr] ", "", StringComparison.Ordinal)}";
        }
    }

    private Kill KillVictim(int invoicesStarted)
    {
        var inFlight = Volatile.Read(ref _inFlight[Victim]);
        var at = DateTime.UtcNow;
        _apps[Victim]!.Kill();
        Volatile.Write(ref _dead[Victim], true);
        return _kill = new Kill(invoicesStarted, inFlight, at);
    }

    // ---------------------------------------------------------------- plumbing

    private void Phase(string what) => _output.WriteLine($"{_run.Elapsed.TotalSeconds,6:0.0} s  {what}");

    private void Record(string figure)
    {
        _output.WriteLine(figure);
        ReliabilityFigures.Record(Scenario, figure);
    }

    /// <summary>Runs the test body; a failure carries the tail of each instance's log.</summary>
    private async Task WithAppLogsAsync(Func<Task> body)
    {
        try
        {
            await body();
            _passed = true;
        }
        catch (Exception ex)
        {
            var tails = string.Join(Environment.NewLine, _logs.Select((log, n) => $"=== instance {n + 1} ==={Environment.NewLine}{log.Tail(25)}"));
            throw new Xunit.Sdk.XunitException($"{ex.Message}{Environment.NewLine}{tails}", ex);
        }
    }

    public void Dispose()
    {
        foreach (var admin in _admins) admin?.Dispose();
        foreach (var app in _apps) app?.Dispose();
        TestDatabase.DropPostgres(_database);
        if (_passed) Directory.Delete(_dir, recursive: true);
        else _output.WriteLine($"The instances' logs are kept in {_dir}");
    }
}
