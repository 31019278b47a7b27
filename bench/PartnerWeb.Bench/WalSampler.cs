namespace PartnerWeb.Bench;

/// <summary>
/// The largest size SQLite's <c>-wal</c> file reached while this sampler ran (every 50 ms, and once more when
/// it stops). PostgreSQL's WAL is segments of a server-wide log, not one file per database: nothing is sampled.
/// </summary>
internal sealed class WalSampler : IAsyncDisposable
{
    private readonly string? _wal;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    private WalSampler(string? wal)
    {
        _wal = wal;
        _loop = wal is null ? Task.CompletedTask : Task.Run(LoopAsync);
    }

    public static WalSampler Start(BenchDb db) => new(db is SqliteBenchDb sqlite ? sqlite.Path + "-wal" : null);

    /// <summary>The peak in MiB, or null on PostgreSQL.</summary>
    public double? PeakMb => _wal is null ? null : Interlocked.Read(ref _peak) / 1024.0 / 1024.0;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        var file = new FileInfo(_wal!);
        var size = file.Exists ? file.Length : 0;
        long seen;
        while (size > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, size, seen) != seen)
        {
        }
    }

    private int _disposed;

    /// <summary>Stops sampling (a second call does nothing), so the peak can be read before the phase ends.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        await _loop;
        if (_wal is not null) Sample();
        _stop.Dispose();
    }
}
