using System.Globalization;

namespace PartnerWeb.Bench;

internal sealed record BenchSettings(
    string AppDll, string AppContentRoot, string WorkDirectory, string OutputPath, int Runs, string[] Only,
    int WebhooksPerRun, int BigLedger, int SmallLedger, int OperatorPartners, int PayoutEarnings, string[] Databases, string? PostgresServer,
    string Scale, int Instances)
{
    public string WebhookSecret { get; } = "whsec_bench_" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// PRAGMA synchronous as the app runs its SQLite connections (SQLite's default, FULL: each commit
    /// is on disk before it returns); B0 and the raw payout UPDATE use the same so that the ratios
    /// compare like with like.
    /// </summary>
    public const string AppSynchronous = "FULL";

    /// <summary>The other PRAGMAs the app sets on every connection (Data/SqliteCheckpoints.cs), used by B0 and the raw UPDATE too.</summary>
    public const string AppPragmas = "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";

    public IReadOnlyDictionary<string, string> AppOverrides { get; } = Environment.GetEnvironmentVariables().Keys.Cast<string>()
        .Where(k => k.StartsWith("BENCH_APP_", StringComparison.Ordinal))
        .ToDictionary(k => k["BENCH_APP_".Length..], k => Environment.GetEnvironmentVariable(k) ?? "");

    public bool Includes(string phase) => Only.Length == 0 || Only.Contains(phase, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the app runs on this database ("sqlite" or "postgres") in this benchmark.</summary>
    public bool Uses(string database) => Databases.Contains(database, StringComparer.Ordinal);

    public static BenchSettings Parse(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int IntArg(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var repo = Path.GetFullPath(Arg("--repo") ?? Directory.GetCurrentDirectory());
        var contentRoot = Path.Combine(repo, "PartnerWeb");
        var dll = Path.GetFullPath(Arg("--app") ?? Path.Combine(contentRoot, "bin", "Release", "net10.0", "PartnerWeb.dll"));
        var work = Path.GetFullPath(Arg("--work") ?? Path.Combine(Path.GetTempPath(), "partnerweb-bench-" + Environment.ProcessId));
        var output = Path.GetFullPath(Arg("--out") ?? Path.Combine(repo, "reports", "bench.md"));
        var only = (Arg("--only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // --db sqlite|postgres|both (default both); PostgreSQL needs a server: --postgres, else PARTNERWEB_TEST_POSTGRES.
        var databases = (Arg("--db") ?? "both").ToLowerInvariant() switch
        {
            "sqlite" => new[] { "sqlite" },
            "postgres" or "postgresql" => ["postgres"],
            "both" => ["sqlite", "postgres"],
            var other => throw new ArgumentException($"--db {other}: sqlite, postgres or both"),
        };
        var postgres = Arg("--postgres") ?? Environment.GetEnvironmentVariable("PARTNERWEB_TEST_POSTGRES");
        // --scale small: a quick smoke run (10,000 entries instead of a million, 500 partners instead of 10,000, one run).
        var scale = (Arg("--scale") ?? "full").ToLowerInvariant();
        var small = scale switch
        {
            "full" => false,
            "small" => true,
            _ => throw new ArgumentException($"--scale {scale}: full or small"),
        };
        return new BenchSettings(dll, contentRoot, work, output, IntArg("--runs", small ? 1 : 5), only,
            IntArg("--webhooks", small ? 2_000 : 10_000), IntArg("--big-ledger", small ? 10_000 : 1_000_000), IntArg("--small-ledger", 1_000),
            IntArg("--operator-partners", small ? 500 : 10_000), IntArg("--payout-earnings", small ? 10_000 : 1_000_000),
            databases, string.IsNullOrWhiteSpace(postgres) ? null : postgres, scale, IntArg("--instances", 3));
    }
}
