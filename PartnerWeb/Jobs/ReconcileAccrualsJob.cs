using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;

namespace PartnerWeb.Jobs;

/// <summary>
/// Finds paid invoices whose accrual is not complete and enqueues it again. With in-memory job
/// storage a restart loses every queued job; this is what makes that harmless. It is also how a
/// failed task is tried again (jobs do not retry themselves), until the task is dead.
/// </summary>
public sealed class ReconcileAccrualsJob(AppDbContext db, AccrualScheduler scheduler, TimeProvider clock, IOptions<JobsOptions> options)
{
    /// <summary>A run enqueues at most this many; the next run takes the rest.</summary>
    private const int BatchSize = 5000;

    /// <summary>Tasks younger than the grace period are left to the job enqueued with them.</summary>
    public Task<int> RunAsync(CancellationToken ct) => RunAsync(TimeSpan.FromSeconds(options.Value.ReconcileGraceSeconds), ct);

    /// <summary>At start-up nothing queued survived, so every open task is enqueued.</summary>
    public Task<int> RunAtStartupAsync(CancellationToken ct) => RunAsync(TimeSpan.Zero, ct);

    private async Task<int> RunAsync(TimeSpan grace, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - grace;
        var open = await db.AccrualTasks.AsNoTracking()
            .Where(t => t.CompletedAt == null && t.DeadAt == null && t.CreatedAt <= cutoff)
            .OrderBy(t => t.CreatedAt)
            .Select(t => t.Id)
            .Take(BatchSize)
            .ToListAsync(ct);
        scheduler.Enqueue(open);
        return open.Count;
    }
}
