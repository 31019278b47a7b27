using System.Linq.Expressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Jobs;

/// <summary>One kind of accrual for paid invoices, and its reversal after a refund. Adds rows and audit events; never saves.</summary>
public interface IAccrual
{
    AccrualKind Kind { get; }

    /// <summary>
    /// Looks up what accruing these invoices (each with its lines) needs, once for all of them, builds
    /// their rows and audit events, and returns the step that adds them. Everything but the adding runs
    /// before the write transaction, so SQLite's one write lock is held for the writes alone; the step
    /// may add the same rows again when a retried transaction starts over.
    /// </summary>
    Task<Action> PrepareAsync(IReadOnlyList<Invoice> invoices, CancellationToken ct);

    Task ReverseAsync(Invoice invoice, InvoiceRefund refund, CancellationToken ct);
}

/// <summary>
/// Completes accrual and reversal tasks exactly once: tasks are claimed by a conditional update
/// inside the transaction that writes their rows, so racing or repeated runs find them taken and do
/// nothing. A batch (the tasks of one group of payments) is claimed, accrued and committed together:
/// one transaction and a handful of queries for all of them (for accruals, the queries run before
/// the transaction, which holds only the claim and the writes). If another run holds some of its
/// tasks, or the batch fails, its tasks run one by one instead. A reversal first completes its invoice's
/// accrual of the same kind if that has not run yet, so a refund can never overtake the earning it
/// corrects.
/// </summary>
public sealed class AccrualJob(
    AppDbContext db, IEnumerable<IAccrual> accruals, AccrualFailures failures, TimeProvider clock, ILogger<AccrualJob> logger)
{
    /// <summary>
    /// A failure is counted against the task (<see cref="AccrualFailures"/>) and the job is not retried
    /// by Hangfire: the reconcile job tries the task again after its grace period, until it is dead.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid taskId, CancellationToken ct)
    {
        try
        {
            if (!await RunTogetherAsync([taskId], ct))
                logger.LogDebug("Accrual task {TaskId} is being completed by another run", taskId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await failures.RecordAsync([taskId], ex, ct);
            throw;
        }
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task RunBatchAsync(Guid[] taskIds, CancellationToken ct)
    {
        var ids = taskIds.Distinct().ToArray();
        try
        {
            if (await RunTogetherAsync(ids, ct)) return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "A batch of {Count} accrual tasks failed; running them one by one", ids.Length);
        }

        // A BEGIN that failed leaves the connection (and, on SQLite, the write gate) held; start clean.
        await db.Database.CloseConnectionAsync();
        List<Exception> failed = [];
        foreach (var id in ids)
        {
            try
            {
                await RunAsync(id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed.Add(ex);
            }
        }
        // Each failed task was counted by RunAsync; the reconcile job tries it again.
        if (failed.Count > 0) throw new AggregateException($"{failed.Count} of {ids.Length} accrual tasks failed", failed);
    }

    /// <returns>false when another run claimed some of the open tasks first (nothing was written).</returns>
    private async Task<bool> RunTogetherAsync(IReadOnlyCollection<Guid> taskIds, CancellationToken ct)
    {
        var open = await db.AccrualTasks.AsNoTracking().Where(t => taskIds.Contains(t.Id) && t.CompletedAt == null).ToListAsync(ct);
        if (open.Count == 0)
        {
            logger.LogDebug("Accrual tasks {TaskIds} already complete", taskIds);
            return true;
        }
        if (open.Any(t => t.RefundId != null)) return await RunWithReversalsAsync(open, ct);

        // Accruals only (the common case): everything is read and computed before the write
        // transaction, which then just claims the tasks and writes the rows, so SQLite's single
        // write lock is held for the writes alone. The claim decides: if another run took any of
        // the tasks meanwhile, nothing is written and the caller runs them one by one.
        var invoices = await InvoicesAsync(open, ct);
        List<Action> accrue = [];
        foreach (var kind in open.GroupBy(t => t.Kind))
            accrue.Add(await Accrual(kind.Key).PrepareAsync(kind.Select(t => invoices[t.InvoiceId]).ToList(), ct));
        var openIds = open.Select(t => t.Id).ToList();
        return await UnitOfWork.RunAsync(db, async (work, ct) =>
        {
            if (!await ClaimAsync(t => openIds.Contains(t.Id), open.Count, ct)) return work.Discard(false);
            accrue.ForEach(add => add());
            return true;
        }, ct);
    }

    /// <summary>Batches with reversals claim first and read inside the transaction: a reversal depends on the accruals it corrects.</summary>
    private Task<bool> RunWithReversalsAsync(List<AccrualTask> candidates, CancellationToken ct)
    {
        var candidateIds = candidates.Select(t => t.Id).ToList();
        return UnitOfWork.RunAsync(db, async (work, ct) =>
        {
            var open = await db.AccrualTasks.AsNoTracking().Where(t => candidateIds.Contains(t.Id) && t.CompletedAt == null).ToListAsync(ct);
            if (open.Count == 0) return true;
            var openIds = open.Select(t => t.Id).ToList();
            if (!await ClaimAsync(t => openIds.Contains(t.Id), open.Count, ct)) return work.Discard(false);

            var invoices = await InvoicesAsync(open, ct);
            foreach (var kind in open.Where(t => t.RefundId == null).GroupBy(t => t.Kind))
                (await Accrual(kind.Key).PrepareAsync(kind.Select(t => invoices[t.InvoiceId]).ToList(), ct))();

            foreach (var task in open.Where(t => t.RefundId != null).OrderBy(t => t.CreatedAt))
            {
                await db.SaveChangesAsync(ct);
                var invoice = invoices[task.InvoiceId];
                if (await ClaimAsync(t => t.InvoiceId == task.InvoiceId && t.Kind == task.Kind && t.RefundId == null, 1, ct))
                {
                    (await Accrual(task.Kind).PrepareAsync([invoice], ct))();
                    await db.SaveChangesAsync(ct);
                }
                var refund = await db.InvoiceRefunds.AsNoTracking().SingleAsync(r => r.Id == task.RefundId, ct);
                await Accrual(task.Kind).ReverseAsync(invoice, refund, ct);
            }
            return true;
        }, ct);
    }

    private async Task<Dictionary<Guid, Invoice>> InvoicesAsync(List<AccrualTask> tasks, CancellationToken ct)
    {
        var invoiceIds = tasks.Select(t => t.InvoiceId).Distinct().ToList();
        return await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
    }

    private IAccrual Accrual(AccrualKind kind) => accruals.Single(a => a.Kind == kind);

    /// <summary>Marks the open tasks complete; true when all <paramref name="expected"/> of them were still open.</summary>
    private async Task<bool> ClaimAsync(Expression<Func<AccrualTask, bool>> which, int expected, CancellationToken ct) =>
        await CompleteOpenAsync(db, which, clock.GetUtcNow().UtcDateTime, ct) == expected;

    /// <summary>The claim's one statement (its T-SQL is checked in SqlServerStatementTests); the number of tasks it completed.</summary>
    internal static Task<int> CompleteOpenAsync(AppDbContext db, Expression<Func<AccrualTask, bool>> which, DateTime now, CancellationToken ct) =>
        db.AccrualTasks.Where(which).Where(t => t.CompletedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.CompletedAt, now), ct);
}
