namespace PartnerWeb.Bench;

internal sealed class Results
{
    /// <summary>The WAL phases the 256 MB target applies to: webhook ingest and building the ledger, not one payout's large transaction.</summary>
    public static bool WalTarget(string phase) => !phase.StartsWith("payout", StringComparison.Ordinal);

    public Dictionary<string, string> Machine { get; } = [];
    public List<string> Log { get; } = [];
    public List<string> LoadAverages { get; } = [];
    public TimeSpan Elapsed { get; set; }

    /// <summary>The PostgreSQL server's version and settings (SHOW), when it ran.</summary>
    public Dictionary<string, string> PostgresServer { get; } = [];

    /// <summary>The figures of each database, in the order they ran ("SQLite", "PostgreSQL").</summary>
    public Dictionary<string, Figures> ByDatabase { get; } = [];

    public Figures For(string database) =>
        ByDatabase.TryGetValue(database, out var figures) ? figures : ByDatabase[database] = new Figures();
}

/// <summary>Every figure of one database's runs, one list entry per run.</summary>
internal sealed class Figures
{
    // B0: rows per second. Durable: what the app runs at (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on);
    // relaxed: the cheaper setting for comparison (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit=off).
    public List<double> B0DurableOne { get; } = [];
    public List<double> B0DurableThousand { get; } = [];
    public List<double> B0RelaxedOne { get; } = [];
    public List<double> B0RelaxedThousand { get; } = [];

    // Webhook ingest and accrual drain.
    public List<double> TrivialPerSecond { get; } = [];
    public List<double> TrivialP99 { get; } = [];
    public List<double> TrivialCpuUs { get; } = [];
    public List<double> WebhookCpuUs { get; } = [];
    public List<double> DatabaseCpuUs { get; } = [];
    public List<double> DriverCpuUs { get; } = [];
    public List<double> WebhookPerSecond { get; } = [];
    public List<double> WebhookP50 { get; } = [];
    public List<double> WebhookP99 { get; } = [];
    public List<double> WebhookErrors { get; } = [];
    public string? WebhookFirstError { get; set; }
    public List<double> DrainLagSeconds { get; } = [];
    public List<double> AccrualsPerSecond { get; } = [];
    public List<double> OpenTasksAfterDrain { get; } = [];
    public double? IngestServerPeakMb { get; set; }
    public string? IngestSetup { get; set; }

    // Peak size of SQLite's WAL file per phase, MiB (the largest over the runs).
    public Dictionary<string, double> WalPeakMb { get; } = [];

    public void WalPeak(string phase, double? mb)
    {
        if (mb is { } v) WalPeakMb[phase] = Math.Max(v, WalPeakMb.GetValueOrDefault(phase));
    }

    // Reads at scale: per endpoint, for the big and the small ledger.
    public string? BigLedgerLabel { get; set; }
    public string? SmallLedgerLabel { get; set; }

    // Operator pages at scale.
    public string? OperatorSetup { get; set; }
    public Dictionary<string, ReadFigures> OperatorPages { get; } = [];

    // Several app instances on one database (ingest only): how many.
    public int Instances { get; set; } = 1;

    // Reads at scale.
    public Dictionary<string, ReadFigures> Reads { get; } = [];
    public double? ReadsServerPeakMb { get; set; }
    public string? ReadsSetup { get; set; }
    public string? DeepPageDepth { get; set; }

    // Depth sweep on the partner with a million entries: depth → median ms.
    public List<(long Depth, double Ms)> DepthSweep { get; } = [];

    // Payout generation.
    public List<double> PayoutApiSeconds { get; } = [];
    public List<double> PayoutRawSeconds { get; } = [];
    public List<double> PayoutRssGrowthMb { get; } = [];
    public List<string> PayoutChecks { get; } = [];
    public List<string> PayoutErrors { get; } = [];
    public double? PayoutServerPeakMb { get; set; }
    public string? PayoutSetup { get; set; }
}

internal sealed class ReadFigures
{
    /// <summary>The endpoint without the ledger it ran against, and that ledger's label ("" for the ceiling).</summary>
    public string Endpoint { get; init; } = "";
    public string Ledger { get; init; } = "";

    public List<double> P50 { get; } = [];
    public List<double> P95 { get; } = [];
    public List<double> P99 { get; } = [];
    public List<double> PerSecond { get; } = [];
    public List<double> Errors { get; } = [];
    public List<double> CpuUs { get; } = [];
    public List<double> DatabaseCpuUs { get; } = [];
    public string? FirstError { get; set; }
}
