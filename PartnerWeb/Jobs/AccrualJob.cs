using Hangfire;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Jobs;

/// <summary>One kind of accrual for a paid invoice. Adds its rows and audit events; never saves.</summary>
public interface IAccrual
{
    AccrualKind Kind { get; }
    Task AccrueAsync(Invoice invoice, CancellationToken ct);
}

/// <summary>
/// Completes one accrual task exactly once: the task is claimed by a conditional update inside the
/// transaction that writes the accrual, so racing or repeated runs find it taken and do nothing.
/// </summary>
public sealed class AccrualJob(AppDbContext db, IEnumerable<IAccrual> accruals, TimeProvider clock, ILogger<AccrualJob> logger)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(Guid taskId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.AccrualTasks
            .Where(t => t.Id == taskId && t.CompletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CompletedAt, now), ct);
        if (claimed == 0)
        {
            logger.LogDebug("Accrual task {TaskId} already complete", taskId);
            return;
        }

        var task = await db.AccrualTasks.AsNoTracking().SingleAsync(t => t.Id == taskId, ct);
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).SingleAsync(i => i.Id == task.InvoiceId, ct);
        await accruals.Single(a => a.Kind == task.Kind).AccrueAsync(invoice, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
