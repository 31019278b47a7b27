using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Admin;

public sealed record DeadTaskDto(
    Guid Id, Guid InvoiceId, AccrualKind Kind, Guid? RefundId, int Attempts, string? LastError, DateTime? DeadAt, DateTime CreatedAt)
{
    public static DeadTaskDto From(AccrualTask t) => new(t.Id, t.InvoiceId, t.Kind, t.RefundId, t.Attempts, t.LastError, t.DeadAt, t.CreatedAt);
}

public sealed record DeadTaskView(DeadTaskDto Task, string? InvoiceNumber, string? TenantName)
{
    /// <summary>What the task does, in words: "partner accrual", "reseller reversal".</summary>
    public string What => $"{Task.Kind.ToString().ToLowerInvariant()} {(Task.RefundId is null ? "accrual" : "reversal")}";
}

/// <summary>Accrual tasks that failed <c>Jobs:MaxAttempts</c> times, for platform admins to see and retry once the cause is fixed.</summary>
public sealed class DeadTaskService(AppDbContext db, AuditLog audit, AccrualScheduler scheduler)
{
    public Task<Page<DeadTaskDto>> ListAsync(PageQuery query, CancellationToken ct) =>
        Dead().AsNoTracking().ToPageAsync(query.ToRequest(), DeadTaskDto.From, ct);

    public Task<bool> AnyAsync(CancellationToken ct) => Dead().AnyAsync(ct);

    /// <summary>The page's rows with their invoice's number and tenant's name, in one query for the page.</summary>
    public async Task<IReadOnlyList<DeadTaskView>> DescribeAsync(IReadOnlyList<DeadTaskDto> tasks, CancellationToken ct)
    {
        var ids = tasks.Select(t => t.InvoiceId).Distinct().ToList();
        var invoices = await db.Invoices.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Join(db.Tenants, i => i.TenantId, t => t.Id, (i, t) => new { i.Id, i.Number, Tenant = t.Name })
            .ToDictionaryAsync(i => i.Id, ct);
        return tasks.Select(t => invoices.TryGetValue(t.InvoiceId, out var i) ? new DeadTaskView(t, i.Number, i.Tenant) : new DeadTaskView(t, null, null)).ToList();
    }

    /// <summary>Dead → live with a fresh count of attempts, audited, and enqueued once committed.</summary>
    public Task<Result<DeadTaskDto>> RetryAsync(Guid taskId, CancellationToken ct) =>
        UnitOfWork.RunAsync<Result<DeadTaskDto>>(db, async (work, ct) =>
        {
            // Read in the unit of work, so the audit names the attempts and error the retry cleared.
            var task = await db.AccrualTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
            if (task is null) return work.Discard(AppError.NotFound("Accrual task"));
            if (await ReviveAsync(db, taskId, ct) == 0) return work.Discard(AppError.Conflict("Only a dead accrual task can be retried."));
            var tenantId = await db.Invoices.Where(i => i.Id == task.InvoiceId).Select(i => i.TenantId).SingleAsync(ct);
            audit.Record(AuditActions.AccrualTaskRetried, nameof(AccrualTask), task.Id, tenantId, new
            {
                task.InvoiceId, kind = task.Kind.ToString().ToLowerInvariant(), task.RefundId, previousAttempts = task.Attempts, task.LastError,
            });
            work.AfterCommit(() => scheduler.Enqueue([task.Id]));
            return DeadTaskDto.From(task) with { Attempts = 0, DeadAt = null };
        }, ct);

    /// <summary>Dead → live by a conditional update: a task that is not dead (or no longer) is left alone and counts 0.</summary>
    internal static Task<int> ReviveAsync(AppDbContext db, Guid taskId, CancellationToken ct) =>
        Dead(db).Where(t => t.Id == taskId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.DeadAt, (DateTime?)null).SetProperty(t => t.Attempts, 0), ct);

    private IQueryable<AccrualTask> Dead() => Dead(db);

    private static IQueryable<AccrualTask> Dead(AppDbContext db) => db.AccrualTasks.Where(t => t.DeadAt != null && t.CompletedAt == null);
}
