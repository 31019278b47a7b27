using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Billing;

public enum RefundOutcome
{
    Refunded,
    Duplicate,
    NotFound,
    NotRefundable,
    ExceedsRemaining,
    NothingToRefund,
    Conflict,

    /// <summary>The Idempotency-Key was used on this invoice for a different request.</summary>
    KeyReused,
}

/// <summary>What to refund by hand: an amount, or the rest of the invoice (<see cref="Full"/>).</summary>
public sealed record RefundClaim(Guid InvoiceId, long? Amount = null, bool Full = false, string? Reason = null, string? IdempotencyKey = null)
{
    /// <summary>What the request asked, so a key reused for another request is told apart from a repeat.</summary>
    public string RequestHash => RefundRequestHash.Of(Amount, Reason);
}

/// <summary>A refund request's fingerprint: the amount asked (none: the rest) and the reason.</summary>
public static class RefundRequestHash
{
    public static string Of(long? amount, string? reason) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{amount?.ToString() ?? "rest"}\n{reason?.Trim()}")));
}

/// <summary>
/// Refunds of invoices paid by manual approval (Stripe's refunds and disputes settle through
/// <see cref="StripeTakeBacks"/>): one <see cref="UnitOfWork"/> in the order every money write follows:
/// the refund row with its unique external key, then a compare-and-swap of the invoice's refunded total
/// and status (refunds never pass the total), then one reversal task per accrual kind and the audit
/// event; the reversal jobs are enqueued after commit.
/// </summary>
public sealed class InvoiceRefunds(
    AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, AccrualScheduler scheduler, CurrentUser currentUser,
    ILogger<InvoiceRefunds> logger)
{
    public async Task<RefundOutcome> RefundAsync(RefundClaim claim, CancellationToken ct)
    {
        // Without a key of its own a refund gets one for this call: a retry after a commit whose answer
        // was lost then finds the refund it made instead of refunding again.
        // A key is the caller's for one invoice: the same key on another invoice is another refund.
        var externalKey = claim.IdempotencyKey is { } key ? $"key:{claim.InvoiceId:N}:{key}" : $"call:{ids.NewId()}";
        try
        {
            return await UnitOfWork.RunAsync(db, (work, ct) => RefundOnceAsync(work, claim, externalKey, ct), ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent repeat committed first and its unique key refused ours: answer like that one.
            if (await RecordedAsync(claim, externalKey, ct) is { } repeat) return repeat;
            throw;
        }
    }

    /// <summary>The answer to a key already used: the same request is a duplicate, another request with it is refused.</summary>
    private async Task<RefundOutcome?> RecordedAsync(RefundClaim claim, string externalKey, CancellationToken ct)
    {
        var recorded = await db.InvoiceRefunds.Where(r => r.ExternalKey == externalKey).Select(r => new { r.RequestHash }).FirstOrDefaultAsync(ct);
        if (recorded is null) return null;
        return recorded.RequestHash is null || recorded.RequestHash == claim.RequestHash ? RefundOutcome.Duplicate : RefundOutcome.KeyReused;
    }

    private async Task<RefundOutcome> RefundOnceAsync(UnitOfWork work, RefundClaim claim, string externalKey, CancellationToken ct)
    {
        if (await RecordedAsync(claim, externalKey, ct) is { } repeat) return work.Discard(repeat);
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == claim.InvoiceId, ct);
        if (invoice is null)
        {
            logger.LogWarning("Refund for unknown invoice {InvoiceId} ignored", claim.InvoiceId);
            return work.Discard(RefundOutcome.NotFound);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (outcome, amount) = Decide(claim, invoice);
        if (outcome != RefundOutcome.Refunded) return work.Discard(outcome);
        var refund = NewRefund(claim, invoice, amount, externalKey, now);
        db.InvoiceRefunds.Add(refund);
        await db.SaveChangesAsync(ct);

        var status = StateMachines.SettledStatus(invoice.Total, refund.CumulativeRefunded);
        // Compare-and-swap on what we read: a concurrent refund makes this one a conflict, never a double.
        if (await SwapRefundedAsync(db, invoice.Id, invoice.RefundedAmount, refund.CumulativeRefunded, status, StateMachines.Invoice.From(status), ct) == 0)
            return work.Discard(RefundOutcome.Conflict);

        var tasks = AccrualTask.ReversalsOf(refund, ids, now).ToList();
        db.AccrualTasks.AddRange(tasks);
        audit.Record(AuditActions.InvoiceRefunded, nameof(Invoice), invoice.Id, invoice.TenantId, new
        {
            refundId = refund.Id, amount, refundedAmount = refund.CumulativeRefunded, status = status.ToString(), source = RefundSource.Manual.ToString(),
            reason = refund.Reason,
        });
        work.AfterCommit(() => scheduler.Enqueue(tasks.Select(t => t.Id)));
        return RefundOutcome.Refunded;
    }

    /// <summary>
    /// The invoice takes the refund only while its refunded amount is still <paramref name="readRefunded"/>
    /// and its status is one of <paramref name="from"/>; 0 when another refund came first.
    /// </summary>
    internal static Task<int> SwapRefundedAsync(
        AppDbContext db, Guid invoiceId, long readRefunded, long refunded, InvoiceStatus status, IReadOnlyCollection<InvoiceStatus> from, CancellationToken ct)
    {
        return db.Invoices
            .Where(i => i.Id == invoiceId && from.Contains(i.Status) && i.RefundedAmount == readRefunded)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RefundedAmount, refunded).SetProperty(i => i.Status, status), ct);
    }

    private static (RefundOutcome, long) Decide(RefundClaim claim, Invoice invoice)
    {
        if (!StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Refunded)) return (RefundOutcome.NotRefundable, 0);
        var remaining = invoice.Total - invoice.RefundedAmount;
        var amount = claim.Full ? remaining : claim.Amount ?? 0;
        if (amount <= 0) return (RefundOutcome.NothingToRefund, 0);
        return amount > remaining ? (RefundOutcome.ExceedsRemaining, 0) : (RefundOutcome.Refunded, amount);
    }

    private InvoiceRefund NewRefund(RefundClaim claim, Invoice invoice, long amount, string externalKey, DateTime now) => new()
    {
        Id = ids.NewId(), InvoiceId = invoice.Id, Amount = amount, CumulativeRefunded = invoice.RefundedAmount + amount, Currency = invoice.Currency,
        Source = RefundSource.Manual, Reason = claim.Reason?.Trim(), ExternalKey = externalKey, RequestHash = claim.RequestHash,
        ActorUserId = currentUser.Info?.Id, CreatedAt = now,
    };
}
