using Microsoft.Extensions.Caching.Memory;

namespace PartnerWeb.Features.Dashboards;

/// <summary>What a chart is a function of: the partner, the filter, today (a chart without an end ends today) and the partner's entry count.</summary>
public readonly record struct ChartKey(Guid PartnerId, DateTime? From, DateTime? ToExclusive, DateOnly Today, long Entries);

/// <summary>
/// Charts already drawn. Entries are only ever added, and each adds one to the partner's count in the transaction
/// that writes it, so a chart kept under the current count is the chart of the ledger as it is now; after a write the
/// key changes and the old chart is evicted when room is needed. Callers read the count before the chart, so a kept
/// chart is never older than its key. Each instance keeps its own, and the key comes from the database, so instances
/// never disagree. Bounded by bars, not charts: a year by day is larger than a week.
/// </summary>
public sealed class ChartCache : IDisposable
{
    public const long MaxBars = 200_000;

    private readonly MemoryCache _charts = new(new MemoryCacheOptions { SizeLimit = MaxBars });

    public async Task<EarningsChart> GetOrBuildAsync(ChartKey key, Func<Task<EarningsChart>> build)
    {
        if (_charts.TryGetValue(key, out EarningsChart? kept) && kept is not null) return kept;
        var chart = await build();
        _charts.Set(key, chart, new MemoryCacheEntryOptions { Size = 1 + chart.Series.Sum(s => s.Bars.Count) });
        return chart;
    }

    public void Dispose() => _charts.Dispose();
}
