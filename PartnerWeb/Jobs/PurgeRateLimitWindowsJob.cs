using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;

namespace PartnerWeb.Jobs;

/// <summary>
/// Deletes the rate-limit windows that have ended. A request only touches its current window's row, so it
/// never waits for this job's rows; the job deletes in batches that stay under SQL Server's lock escalation
/// (5,000 locks) and queue like any other SQLite writer, so no batch holds a table or the write lock long.
/// </summary>
public sealed class PurgeRateLimitWindowsJob(AppDbContext db, TimeProvider clock)
{
    private const int BatchSize = 1000;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var total = 0;
        int deleted;
        do
        {
            deleted = await SqliteWriteGate.QueuedAsync(db.Database,
                () => db.RateLimitWindows.Where(w => w.ExpiresAt <= now).Take(BatchSize).ExecuteDeleteAsync(ct), ct);
            total += deleted;
        }
        while (deleted == BatchSize);
        return total;
    }
}
