using Hangfire;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Jobs;

/// <summary>One kind of accrual for a paid invoice, and its reversal after a refund. Adds rows and audit events; never saves.</summary>
public interface IAccrual
{
    AccrualKind Kind { get; }
    Task AccrueAsync(Invoice invoice, CancellationToken ct);
    Task ReverseAsync(Invoice invoice, InvoiceRefund refund, CancellationToken ct);
}

/// <summary>
/// Completes one accrual or reversal task exactly once: the task is claimed by a conditional update
/// inside the transaction that writes its rows, so racing or repeated runs find it taken and do
/// nothing. A reversal first completes its invoice's accrual of the same kind if that has not run
/// yet, so a refund can never overtake the earning it corrects.
/// </summary>
public sealed class AccrualJob(AppDbContext db, IEnumerable<IAccrual> accruals, TimeProvider clock, ILogger<AccrualJob> logger)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(Guid taskId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await ClaimAsync(t => t.Id == taskId, ct))
        {
            logger.LogDebug("Accrual task {TaskId} already complete", taskId);
            return;
        }

        var task = await db.AccrualTasks.AsNoTracking().SingleAsync(t => t.Id == taskId, ct);
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).SingleAsync(i => i.Id == task.InvoiceId, ct);
        var accrual = accruals.Single(a => a.Kind == task.Kind);
        if (task.RefundId is { } refundId)
        {
            if (await ClaimAsync(t => t.InvoiceId == task.InvoiceId && t.Kind == task.Kind && t.RefundId == null, ct))
            {
                await accrual.AccrueAsync(invoice, ct);
                await db.SaveChangesAsync(ct);
            }
            var refund = await db.InvoiceRefunds.AsNoTracking().SingleAsync(r => r.Id == refundId, ct);
            await accrual.ReverseAsync(invoice, refund, ct);
        }
        else
        {
            await accrual.AccrueAsync(invoice, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task<bool> ClaimAsync(System.Linq.Expressions.Expression<Func<AccrualTask, bool>> which, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.AccrualTasks.Where(which).Where(t => t.CompletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CompletedAt, now), ct) > 0;
    }
}
