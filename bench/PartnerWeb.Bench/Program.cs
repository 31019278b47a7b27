using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PartnerWeb.Bench;

var settings = BenchSettings.Parse(args);
Directory.CreateDirectory(settings.WorkDirectory);
var results = new Results();
var total = Stopwatch.StartNew();
string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
void Say(string line)
{
    var stamped = $"[{total.Elapsed:mm\\:ss}] {line}";
    Console.WriteLine(stamped);
    results.Log.Add(stamped);
}

Machine.Describe(results.Machine);
Say($"machine: {results.Machine["CPU"]}, {results.Machine["Cores"]} cores; SQLite {results.Machine["SQLite (Microsoft.Data.Sqlite)"]}");

results.LoadAverages.Add($"start: {LoadAverage()}");
if (settings.Includes("b0")) CeilingPhase();
if (settings.Includes("ingest")) await IngestPhase();
if (settings.Includes("reads")) await ReadsPhase();
if (settings.Includes("payout")) await PayoutPhase();

results.LoadAverages.Add($"end: {LoadAverage()}");
results.Elapsed = total.Elapsed;
Directory.CreateDirectory(Path.GetDirectoryName(settings.OutputPath)!);
await File.WriteAllTextAsync(settings.OutputPath, Report.Render(settings, results));
Say($"wrote {Path.GetFileName(settings.OutputPath)} after {total.Elapsed.TotalSeconds:F0} s");
if (!Environment.GetEnvironmentVariable("BENCH_KEEP_WORK")?.Equals("1", StringComparison.Ordinal) ?? true)
    Directory.Delete(settings.WorkDirectory, recursive: true);
return 0;

// B0 — raw inserts, one row per transaction and 1,000 rows per transaction, at the app's
// synchronous setting and at the other one for comparison.
void CeilingPhase()
{
    for (var run = 1; run <= settings.Runs; run++)
    {
        results.B0FullOne.Add(Ceiling.InsertsPerSecond(settings.WorkDirectory, "FULL", 3_000, 1));
        results.B0NormalOne.Add(Ceiling.InsertsPerSecond(settings.WorkDirectory, "NORMAL", 20_000, 1));
        results.B0FullThousand.Add(Ceiling.InsertsPerSecond(settings.WorkDirectory, "FULL", 100_000, 1_000));
        results.B0NormalThousand.Add(Ceiling.InsertsPerSecond(settings.WorkDirectory, "NORMAL", 100_000, 1_000));
        Say($"B0 run {run}: 1/tx FULL {results.B0FullOne[^1]:F0}/s, NORMAL {results.B0NormalOne[^1]:F0}/s; 1000/tx FULL {results.B0FullThousand[^1]:F0}/s, NORMAL {results.B0NormalThousand[^1]:F0}/s");
    }
}

// Webhook ingest (32 connections, distinct invoices) and the accrual drain behind it, one server.
async Task IngestPhase()
{
    var db = Fresh(Path.Combine(settings.WorkDirectory, "ingest.db"));
    var log = Path.Combine(settings.WorkDirectory, "ingest-server.log");
    using var setupHttp = Load.Client(4);
    Guid template;
    await using (var server = await AppServer.StartAsync(settings, db, log))
    {
        var api = new Api(setupHttp, server.BaseUrl);
        var (_, itemId) = await api.AcmePartnerWithListingAsync();
        template = await api.InstallAsync(itemId);
    }
    var warmup = settings.WebhooksPerRun + 5_000;
    var seedClock = Stopwatch.StartNew();
    var invoices = Seed.OpenInvoicesLike(db, template, warmup + settings.Runs * settings.WebhooksPerRun);
    results.IngestSetup = $"{invoices.Count:N0} open invoices for \"{Api.ListedItem}\" (12,900 USD, listed by Acme at 30 %) copied from one made through the install API, in {seedClock.Elapsed.TotalSeconds:F1} s";
    Say(results.IngestSetup);

    await using (var server = await AppServer.StartAsync(settings, db, log))
    using (var http = Load.Client(32))
    using (var poll = new SqliteConnection($"Data Source={db};Pooling=False"))
    {
        poll.Open();
        var trivial = new Uri(server.BaseUrl + "/healthz");
        var webhook = new Uri(server.BaseUrl + "/api/billing/stripe/webhook");
        long Earnings() => Seed.Scalar<long>(poll, "SELECT COUNT(*) FROM PartnerEarnings");
        (double Server, double Driver) lastCpu = default;

        async Task<(LoadResult Load, double Lag, double Rate)> Deliver(IReadOnlyList<Guid> batch, string prefix)
        {
            var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var bodies = batch.Select((id, i) =>
            {
                var body = Api.InvoicePaidEvent($"evt_{prefix}_{i}", id, 12900, created);
                return (Body: body, Signature: Api.Sign(body, settings.WebhookSecret, created));
            }).ToArray();
            var before = Earnings();
            var (serverCpu, driverCpu) = (server.CpuSeconds, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var started = Stopwatch.GetTimestamp();
            var result = await Load.RunAsync(http, 32, bodies.Length, i =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new StringContent(bodies[i].Body, System.Text.Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", bodies[i].Signature);
                return request;
            }, (status, body) => status == HttpStatusCode.OK && body.Contains("\"outcome\":\"paid\"", StringComparison.Ordinal));
            var expected = before + (result.Requests - result.Errors);
            var limit = TimeSpan.FromSeconds(120);
            while (Earnings() < expected && Stopwatch.GetElapsedTime(started) < limit) await Task.Delay(20);
            var done = Stopwatch.GetElapsedTime(started);
            var lag = (done - result.LastAck).TotalSeconds;
            var rate = (result.Requests - result.Errors) / (done - result.FirstAck).TotalSeconds;
            lastCpu = ((server.CpuSeconds - serverCpu) * 1e6 / result.Requests, (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - driverCpu) * 1e6 / result.Requests);
            return (result, Math.Max(0, lag), rate);
        }

        // Warm-up until the JIT has settled: tiered compilation recompiles hot methods on a background
        // thread whose CPU counts as the server's, so a short warm-up leaves the first run both slower and
        // seemingly more expensive per request. Two rounds, the second as long as a measured run.
        await Load.RunAsync(http, 32, 1_000_000, _ => new HttpRequestMessage(HttpMethod.Get, trivial), (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(3));
        await Deliver(invoices.Take(5_000).ToList(), "warmup1");
        await Load.RunAsync(http, 32, 1_000_000, _ => new HttpRequestMessage(HttpMethod.Get, trivial), (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(3));
        var warm = await Deliver(invoices.Skip(5_000).Take(warmup - 5_000).ToList(), "warmup2");
        Say($"warm-up: {warm.Load.PerSecond:F0} webhooks/s, errors {warm.Load.Errors}");

        for (var run = 0; run < settings.Runs; run++)
        {
            // (BENCH_NO_TRIVIAL=1 leaves the trivial endpoint out, to profile the webhook path alone.)
            var trivialCpu = server.CpuSeconds;
            var t = await Load.RunAsync(http, 32, Environment.GetEnvironmentVariable("BENCH_NO_TRIVIAL") == "1" ? 0 : 1_000_000,
                _ => new HttpRequestMessage(HttpMethod.Get, trivial), (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(3));
            results.TrivialPerSecond.Add(t.PerSecond);
            results.TrivialP99.Add(t.P99);
            results.TrivialCpuUs.Add((server.CpuSeconds - trivialCpu) * 1e6 / Math.Max(1, t.Requests));

            var batch = invoices.Skip(warmup + run * settings.WebhooksPerRun).Take(settings.WebhooksPerRun).ToList();
            var (w, lag, rate) = await Deliver(batch, $"run{run + 1}");
            results.WebhookPerSecond.Add(w.PerSecond);
            results.WebhookP50.Add(w.P50);
            results.WebhookP99.Add(w.P99);
            results.WebhookErrors.Add(w.Errors);
            results.WebhookFirstError ??= w.FirstError;
            results.DrainLagSeconds.Add(lag);
            results.AccrualsPerSecond.Add(rate);
            results.OpenTasksAfterDrain.Add(Seed.Scalar<long>(poll, "SELECT COUNT(*) FROM AccrualTasks WHERE CompletedAt IS NULL"));
            results.WebhookCpuUs.Add(lastCpu.Server);
            results.DriverCpuUs.Add(lastCpu.Driver);
            Say($"ingest run {run + 1}: /healthz {t.PerSecond:F0}/s p99 {t.P99:F1} ms; webhooks {w.PerSecond:F0}/s p50 {w.P50:F1} ms p99 {w.P99:F1} ms errors {w.Errors}; "
                + $"earnings complete {lag:F2} s after the last ack ({rate:F0} accruals/s); open tasks {results.OpenTasksAfterDrain[^1]}; server RSS {server.RssMb:F0} MB; "
                + $"server CPU per request: /healthz {results.TrivialCpuUs[^1]:F0} µs, paid webhook incl. its accrual {lastCpu.Server:F0} µs; load {LoadAverage()}");
        }
        results.IngestServerPeakMb = server.PeakRssMb;
    }
}

// Reads with 1,000,000 earnings across 1,000 partners, 16 concurrent clients.
async Task ReadsPhase()
{
    var (db, log, partnerId) = await AcmePartnerDatabaseAsync("reads");
    var seed = Seed.Earnings(db, partnerId, settings.OtherPartners, settings.EarningsPerPartner, partnersPerInvoice: 10);
    results.ReadsSetup = $"{seed.Earnings:N0} earnings across {seed.Partners:N0} approved partners ({settings.EarningsPerPartner:N0} each, over 365 days, 10 % in EUR), "
        + $"on {seed.Invoices:N0} paid invoices, bulk-inserted in {seed.Elapsed.TotalSeconds:F1} s";
    Say(results.ReadsSetup);

    await using (var server = await AppServer.StartAsync(settings, db, log))
    using (var http = Load.Client(16))
    using (var pages = Load.Client(16, new CookieContainer()))
    {
        var api = new Api(http, server.BaseUrl);
        var token = await api.TokenAsync(Api.Admin);
        await Api.CookieLoginAsync(pages, server.BaseUrl, Api.AcmeOwner);

        // The deep page: follow the API's own cursors to the last page of Acme's earnings.
        var path = $"/api/partners/{partnerId}/earnings";
        string? cursor = null;
        var depth = 0;
        while (depth + 200 < settings.EarningsPerPartner - 50)
        {
            var page = await api.SendAsync(HttpMethod.Get, $"{path}?limit=200" + (cursor is null ? "" : "&cursor=" + cursor), token);
            cursor = page["nextCursor"]!.GetValue<string>();
            depth += 200;
        }
        var rest = settings.EarningsPerPartner - 50 - depth;
        if (rest > 0)
        {
            var page = await api.SendAsync(HttpMethod.Get, $"{path}?limit={rest}" + (cursor is null ? "" : "&cursor=" + cursor), token);
            cursor = page["nextCursor"]!.GetValue<string>();
            depth += rest;
        }
        results.DeepPageDepth = $"rows {depth + 1:N0}–{depth + 50:N0} of {settings.EarningsPerPartner:N0} (the last page), reached by following nextCursor";
        var today = DateTime.UtcNow.Date;
        var from = today.AddDays(-180).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var kinds = new (string Name, HttpClient Client, string Url, bool Bearer)[]
        {
            ("ceiling: GET /healthz", http, "/healthz", false),
            ("GET /earnings first page (limit 50)", http, $"{path}?limit=50", true),
            ($"GET /earnings deep page (limit 50, after row {depth:N0})", http, $"{path}?limit=50&cursor={cursor}", true),
            ("GET /earnings totals (180-day filter, limit 1)", http, $"{path}?limit=1&from={from}&to={to}", true),
            ("GET /dashboard/partners (owner@acme, cookie)", pages, "/dashboard/partners", false),
        };
        HttpRequestMessage Make((string Name, HttpClient Client, string Url, bool Bearer) kind)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + kind.Url);
            if (kind.Bearer) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return request;
        }
        static bool Good(HttpStatusCode status, string body) => status == HttpStatusCode.OK && body.Length > 0;
        // Warm-up until tiered compilation has settled: the dashboard alone runs hundreds of methods.
        foreach (var round in new[] { 1, 2 })
        {
            foreach (var kind in kinds)
            {
                results.Reads[kind.Name] = new ReadFigures();
                await Load.RunAsync(kind.Client, 16, 1_600, _ => Make(kind), Good, TimeSpan.FromSeconds(round == 1 ? 3 : 1.5));
            }
        }
        for (var run = 1; run <= settings.Runs; run++)
        {
            foreach (var kind in kinds)
            {
                var cpu = server.CpuSeconds;
                var r = await Load.RunAsync(kind.Client, 16, 1_600, _ => Make(kind), Good, TimeSpan.FromSeconds(8));
                var figures = results.Reads[kind.Name];
                figures.CpuUs.Add((server.CpuSeconds - cpu) * 1e6 / Math.Max(1, r.Requests));
                figures.P50.Add(r.P50);
                figures.P95.Add(r.P95);
                figures.P99.Add(r.P99);
                figures.PerSecond.Add(r.PerSecond);
                figures.Errors.Add(r.Errors);
                figures.FirstError ??= r.FirstError;
                Say($"reads run {run}: {kind.Name}: p50 {r.P50:F1} ms p95 {r.P95:F1} ms p99 {r.P99:F1} ms, {r.PerSecond:F0}/s, errors {r.Errors}, server CPU {figures.CpuUs[^1]:F0} µs/request; load {LoadAverage()}");
            }
        }
        results.ReadsServerPeakMb = server.PeakRssMb;
    }
}

// Payout generation for one partner with 1,000,000 unattached earnings, against the raw UPDATE.
async Task PayoutPhase()
{
    var (db, log, partnerId) = await AcmePartnerDatabaseAsync("payout");
    var seed = Seed.Earnings(db, partnerId, otherPartners: 0, perPartner: settings.PayoutEarnings, partnersPerInvoice: 1);
    results.PayoutSetup = $"{seed.Earnings:N0} unattached, payable accruals of one partner (90 % USD, 10 % EUR) on {seed.Invoices:N0} paid invoices, bulk-inserted in {seed.Elapsed.TotalSeconds:F1} s";
    Say(results.PayoutSetup);

    long expectedNet;
    using (var sum = Seed.OpenForSetup(db))
        expectedNet = Seed.Scalar<long>(sum, "SELECT SUM(PartnerNet) FROM PartnerEarnings WHERE PartnerId = $p", ("$p", Seed.G(partnerId)));
    await using var app = await AppServer.StartAsync(settings, db, log);
    using var http = Load.Client(2);
    var api = new Api(http, app.BaseUrl);
    var token = await api.TokenAsync(Api.Admin);

    // Page depth: the same request at growing depths of a million-entry ledger (cursor of the row before).
    using (var reader = new SqliteConnection($"Data Source={db};Pooling=False"))
    {
        reader.Open();
        foreach (var depth in new long[] { 0, 10_000, 500_000, settings.PayoutEarnings - 50 })
        {
            var url = $"/api/partners/{partnerId}/earnings?limit=50";
            if (depth > 0)
            {
                var row = Seed.Row(reader, "SELECT CreatedAt, Id FROM PartnerEarnings WHERE PartnerId = $p ORDER BY CreatedAt DESC, Id DESC LIMIT 1 OFFSET $o",
                    ("$p", Seed.G(partnerId)), ("$o", depth - 1));
                url += "&cursor=" + CursorFor(DateTime.Parse((string)row["CreatedAt"]!, CultureInfo.InvariantCulture), Guid.Parse((string)row["Id"]!));
            }
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                await api.SendAsync(HttpMethod.Get, url, token);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            results.DepthSweep.Add((depth, Stats.Median(times)));
            Say($"depth {depth:N0}: {Stats.Median(times):F1} ms (median of 3, one client)");
        }
    }

    for (var run = 1; run <= settings.Runs; run++)
    {
        results.PayoutRawSeconds.Add(RawPayout(db, partnerId));
        Reset(db, partnerId);

        app.ResetPhasePeak();
        var rssBefore = app.RssMb;
        var clock = Stopwatch.StartNew();
        var generated = await api.SendAsync(HttpMethod.Post, $"/api/partners/{partnerId}/payouts/generate", token);
        var seconds = clock.Elapsed.TotalSeconds;
        var payouts = generated["payouts"]!.AsArray();
        var sum = payouts.Sum(p => p!["amount"]!.GetValue<long>());
        using (var check = Seed.OpenForSetup(db))
        {
            var unattached = Seed.Scalar<long>(check, "SELECT COUNT(*) FROM PartnerEarnings WHERE PartnerId = $p AND PayoutId IS NULL", ("$p", Seed.G(partnerId)));
            results.PayoutChecks.Add($"run {run}: {payouts.Count} payouts ({string.Join(", ", payouts.Select(p => $"{p!["currency"]} {p["amount"]}"))}), "
                + $"sum {(sum == expectedNet ? "=" : "≠")} Σ partnerNet {expectedNet}, {unattached} left unattached");
        }
        results.PayoutApiSeconds.Add(seconds);
        results.PayoutRssGrowthMb.Add(app.PhasePeakRssMb - rssBefore);
        Say($"payout run {run}: API {seconds:F2} s (RSS {rssBefore:F0} → peak {app.PhasePeakRssMb:F0} MB), raw UPDATE {results.PayoutRawSeconds[^1]:F2} s; {results.PayoutChecks[^1]}; load {LoadAverage()}");
        Reset(db, partnerId);
    }
    results.PayoutServerPeakMb = app.PeakRssMb;
}

// The ceiling: per currency, one transaction with the payout row and the one UPDATE, at the app's PRAGMAs.
double RawPayout(string db, Guid partnerId)
{
    using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
    connection.Open();
    Seed.Exec(connection, $"PRAGMA synchronous={BenchSettings.AppSynchronous}; {BenchSettings.AppPragmas}");
    var now = Seed.D(DateTime.UtcNow);
    var clock = Stopwatch.StartNew();
    foreach (var currency in new[] { "EUR", "USD" })
    {
        using var tx = connection.BeginTransaction();
        var payoutId = Seed.G(Guid.CreateVersion7());
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO PartnerPayouts (Id, PartnerId, Currency, Amount, Status, PayoutMethod, PayoutDetails, CreatedAt)
                VALUES ($id, $p, $c, 0, 'Owed', 'bank_transfer', '{}', $now)
                """;
            insert.Parameters.AddWithValue("$id", payoutId);
            insert.Parameters.AddWithValue("$p", Seed.G(partnerId));
            insert.Parameters.AddWithValue("$c", currency);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
        }
        using (var update = connection.CreateCommand())
        {
            update.Transaction = tx;
            update.CommandText = "UPDATE PartnerEarnings SET PayoutId = $id WHERE PartnerId = $p AND Currency = $c AND PayoutId IS NULL AND PayableAt <= $now";
            update.Parameters.AddWithValue("$id", payoutId);
            update.Parameters.AddWithValue("$p", Seed.G(partnerId));
            update.Parameters.AddWithValue("$c", currency);
            update.Parameters.AddWithValue("$now", now);
            update.ExecuteNonQuery();
        }
        tx.Commit();
    }
    return clock.Elapsed.TotalSeconds;
}

// Setup between runs: detach every earning again, drop the payouts, and empty the WAL.
static void Reset(string db, Guid partnerId)
{
    using var connection = Seed.OpenForSetup(db);
    Seed.Exec(connection, "UPDATE PartnerEarnings SET PayoutId = NULL WHERE PartnerId = $p AND PayoutId IS NOT NULL", ("$p", Seed.G(partnerId)));
    Seed.Exec(connection, "DELETE FROM PartnerPayouts WHERE PartnerId = $p", ("$p", Seed.G(partnerId)));
    Seed.Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
}

// A fresh database in which Acme is an approved partner with a listing, made through the API by a
// short-lived server; the phase then bulk-inserts into it while no server runs.
async Task<(string Db, string Log, Guid PartnerId)> AcmePartnerDatabaseAsync(string name)
{
    var db = Fresh(Path.Combine(settings.WorkDirectory, $"{name}.db"));
    var log = Path.Combine(settings.WorkDirectory, $"{name}-server.log");
    using var http = Load.Client(4);
    await using var server = await AppServer.StartAsync(settings, db, log);
    var (partnerId, _) = await new Api(http, server.BaseUrl).AcmePartnerWithListingAsync();
    return (db, log, partnerId);
}

static string Fresh(string path)
{
    foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
    return path;
}

// The API's cursor format (Infrastructure/Paging.cs): big-endian ticks of CreatedAt, then the id's bytes.
static string CursorFor(DateTime createdAt, Guid id)
{
    var bytes = new byte[24];
    BinaryPrimitives.WriteInt64BigEndian(bytes, DateTime.SpecifyKind(createdAt, DateTimeKind.Utc).Ticks);
    id.TryWriteBytes(bytes.AsSpan(8));
    return System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
