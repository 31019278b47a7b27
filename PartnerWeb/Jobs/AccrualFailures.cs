using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;

namespace PartnerWeb.Jobs;

/// <summary>
/// Counts a failed run against each open task it held, in a scope of its own (the job's context may be
/// the thing that failed). A task that reaches <c>Jobs:MaxAttempts</c> is dead: the reconcile job skips
/// it, so one poison invoice cannot keep a worker busy forever, and platform admins see it at
/// <c>GET /api/admin/dead-tasks</c>. The count, the death and its audit event commit together.
/// </summary>
public sealed class AccrualFailures(IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobsOptions> options, ILogger<AccrualFailures> logger)
{
    public async Task RecordAsync(IReadOnlyCollection<Guid> taskIds, Exception error, CancellationToken ct)
    {
        var message = Truncate($"{error.GetType().Name}: {error.Message}");
        var max = options.Value.MaxAttempts;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();

        await UnitOfWork.RunAsync(db, async (_, ct) =>
        {
            var open = db.AccrualTasks.Where(t => taskIds.Contains(t.Id) && t.CompletedAt == null && t.DeadAt == null);
            await open.ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts + 1).SetProperty(t => t.LastError, message), ct);
            var dying = await open.Where(t => t.Attempts >= max)
                .Join(db.Invoices, t => t.InvoiceId, i => i.Id, (t, i) => new { t.Id, t.InvoiceId, t.Kind, t.RefundId, t.Attempts, i.TenantId })
                .ToListAsync(ct);
            var dyingIds = dying.Select(t => t.Id).ToList();
            if (dyingIds.Count > 0)
                await db.AccrualTasks.Where(t => dyingIds.Contains(t.Id)).ExecuteUpdateAsync(s => s.SetProperty(t => t.DeadAt, now), ct);
            foreach (var task in dying)
            {
                logger.LogError("Accrual task {TaskId} of invoice {InvoiceId} is dead after {Attempts} failed runs: {Error}",
                    task.Id, task.InvoiceId, task.Attempts, message);
                audit.Record(AuditActions.AccrualTaskDead, nameof(AccrualTask), task.Id, task.TenantId, new
                {
                    task.InvoiceId, kind = task.Kind.ToString().ToLowerInvariant(), task.RefundId, task.Attempts, error = message,
                });
            }
            return dying.Count;
        }, ct);
    }

    private static string Truncate(string text) => text.Length <= AccrualTask.MaxErrorLength ? text : text[..AccrualTask.MaxErrorLength];
}
