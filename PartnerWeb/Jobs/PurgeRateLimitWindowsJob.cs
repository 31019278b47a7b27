using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;

namespace PartnerWeb.Jobs;

/// <summary>
/// Deletes the rate-limit windows that have ended, and the login failures old enough to be forgotten
/// (<c>Auth:Lockout:ResetAfterMinutes</c>; the lockout already reads them as none). A request only touches
/// its current rows, so it never waits for this job's; the job deletes in batches that stay under SQL
/// Server's lock escalation (5,000 locks) and queue like any other SQLite writer, so no batch holds a table
/// or the write lock long.
/// </summary>
public sealed class PurgeRateLimitWindowsJob(AppDbContext db, TimeProvider clock, IOptions<LockoutSettings> lockout)
{
    private const int BatchSize = 1000;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var forgotten = now - lockout.Value.ResetAfter;
        return await PurgeAsync(() => db.RateLimitWindows.Where(w => w.ExpiresAt <= now).Take(BatchSize).ExecuteDeleteAsync(ct), ct)
            + await PurgeAsync(() => db.LoginFailures.Where(f => f.LastFailureAt <= forgotten).Take(BatchSize).ExecuteDeleteAsync(ct), ct);
    }

    private async Task<int> PurgeAsync(Func<Task<int>> deleteBatch, CancellationToken ct)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await SqliteWriteGate.QueuedAsync(db.Database, deleteBatch, ct);
            total += deleted;
        }
        while (deleted == BatchSize);
        return total;
    }
}
