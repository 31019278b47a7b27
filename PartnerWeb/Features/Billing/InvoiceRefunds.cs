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
    Mismatch,
    Conflict,
}

/// <summary>
/// What to refund: an amount (manual), the rest of the invoice (<see cref="Full"/>: manual without an
/// amount, or a dispute), or Stripe's cumulative refunded total for the charge.
/// </summary>
public sealed record RefundClaim(
    Guid InvoiceId, RefundSource Source, long? Amount = null, bool Full = false, long? StripeCumulative = null,
    string? Currency = null, string? Reason = null, string? IdempotencyKey = null, StripeEventRef? StripeEvent = null);

/// <summary>
/// The one refund path (admin API, Stripe refunds and disputes), one <see cref="UnitOfWork"/> in the
/// order every money write follows: the idempotency rows (the Stripe event id, the refund row with its
/// unique external key), then a compare-and-swap of the invoice's refunded total and status (cumulative
/// refunds never pass the total), then one reversal task per accrual kind and the audit event; the
/// reversal jobs are enqueued after commit.
/// </summary>
public sealed class InvoiceRefunds(
    AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, AccrualScheduler scheduler, CurrentUser currentUser,
    ILogger<InvoiceRefunds> logger)
{
    public async Task<RefundOutcome> RefundAsync(RefundClaim claim, CancellationToken ct)
    {
        // Without a key of its own a refund gets one for this call: a retry after a commit whose answer
        // was lost then finds the refund it made instead of refunding again.
        var externalKey = claim.StripeEvent is { } e ? $"stripe:{e.Id}" : claim.IdempotencyKey is { } key ? $"key:{key}" : $"call:{ids.NewId()}";
        try
        {
            return await UnitOfWork.RunAsync(db, (work, ct) => RefundOnceAsync(work, claim, externalKey, ct), ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent repeat committed first and its unique key refused ours: answer like that one.
            if (await RecordedAsync(claim, externalKey, ct)) return RefundOutcome.Duplicate;
            throw;
        }
    }

    private async Task<bool> RecordedAsync(RefundClaim claim, string externalKey, CancellationToken ct) =>
        await db.InvoiceRefunds.AnyAsync(r => r.ExternalKey == externalKey, ct)
        || (claim.StripeEvent is { } e && await db.ProcessedStripeEvents.AnyAsync(p => p.EventId == e.Id, ct));

    private async Task<RefundOutcome> RefundOnceAsync(UnitOfWork work, RefundClaim claim, string externalKey, CancellationToken ct)
    {
        if (await RecordedAsync(claim, externalKey, ct)) return work.Discard(RefundOutcome.Duplicate);
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == claim.InvoiceId, ct);
        if (invoice is null)
        {
            logger.LogWarning("Refund for unknown invoice {InvoiceId} ignored ({Source})", claim.InvoiceId, claim.Source);
            return work.Discard(RefundOutcome.NotFound);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (outcome, amount) = await DecideAsync(claim, invoice, ct);
        var refund = outcome == RefundOutcome.Refunded ? NewRefund(claim, invoice, amount, externalKey, now) : null;
        if (refund is not null) db.InvoiceRefunds.Add(refund);
        // A Stripe event is recorded with whatever it decided, so a redelivery decides nothing again;
        // a refused manual refund writes nothing.
        if (claim.StripeEvent is { } stripeEvent) db.ProcessedStripeEvents.Add(StripeEventLedger.Row(stripeEvent, invoice.Id, Name(outcome), now));
        else if (refund is null) return work.Discard(outcome);
        await db.SaveChangesAsync(ct);
        if (refund is null) return outcome;

        var status = refund.CumulativeRefunded == invoice.Total ? InvoiceStatus.Refunded : InvoiceStatus.PartiallyRefunded;
        // Compare-and-swap on what we read: a concurrent refund makes this one a conflict, never a double.
        // A lost swap records nothing, not even the event id, so Stripe's retry applies it.
        if (await SwapRefundedAsync(db, invoice.Id, invoice.RefundedAmount, refund.CumulativeRefunded, status, ct) == 0)
            return work.Discard(RefundOutcome.Conflict);

        var tasks = Enum.GetValues<AccrualKind>().Select(kind =>
            new AccrualTask { Id = ids.NewId(), InvoiceId = invoice.Id, Kind = kind, RefundId = refund.Id, CreatedAt = now }).ToList();
        db.AccrualTasks.AddRange(tasks);
        audit.Record(AuditActions.InvoiceRefunded, nameof(Invoice), invoice.Id, invoice.TenantId, new
        {
            refundId = refund.Id, amount, refundedAmount = refund.CumulativeRefunded, status = status.ToString(), source = claim.Source.ToString(),
            reason = refund.Reason, stripeEventId = claim.StripeEvent?.Id,
        });
        work.AfterCommit(() => scheduler.Enqueue(tasks.Select(t => t.Id)));
        return RefundOutcome.Refunded;
    }

    /// <summary>
    /// The invoice takes the refund only while its refunded amount is still <paramref name="readRefunded"/>
    /// and its status lets it become <paramref name="status"/>; 0 when another refund came first.
    /// </summary>
    internal static Task<int> SwapRefundedAsync(AppDbContext db, Guid invoiceId, long readRefunded, long refunded, InvoiceStatus status, CancellationToken ct)
    {
        var from = StateMachines.Invoice.From(status);
        return db.Invoices
            .Where(i => i.Id == invoiceId && from.Contains(i.Status) && i.RefundedAmount == readRefunded)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RefundedAmount, refunded).SetProperty(i => i.Status, status), ct);
    }

    private static string Name(RefundOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private async Task<(RefundOutcome, long)> DecideAsync(RefundClaim claim, Invoice invoice, CancellationToken ct)
    {
        if (!StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Refunded)) return (RefundOutcome.NotRefundable, 0);
        if (claim.Currency is { } currency && !string.Equals(currency, invoice.Currency, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Refund in {Currency} for invoice {InvoiceId} in {InvoiceCurrency} ignored", currency, invoice.Id, invoice.Currency);
            return (RefundOutcome.Mismatch, 0);
        }
        var remaining = invoice.Total - invoice.RefundedAmount;
        long amount;
        if (claim.StripeCumulative is { } cumulative)
        {
            // Stripe reports what the charge has refunded so far; we take the part not yet recorded.
            var recorded = await db.InvoiceRefunds.Where(r => r.InvoiceId == invoice.Id && r.Source == RefundSource.StripeRefund).SumAsync(r => r.Amount, ct);
            amount = cumulative - recorded;
            if (amount <= 0) return (RefundOutcome.NothingToRefund, 0);
        }
        else
        {
            amount = claim.Full ? remaining : claim.Amount ?? 0;
        }
        if (amount <= 0) return (RefundOutcome.NothingToRefund, 0);
        return amount > remaining ? (RefundOutcome.ExceedsRemaining, 0) : (RefundOutcome.Refunded, amount);
    }

    private InvoiceRefund NewRefund(RefundClaim claim, Invoice invoice, long amount, string externalKey, DateTime now) => new()
    {
        Id = ids.NewId(), InvoiceId = invoice.Id, Amount = amount, CumulativeRefunded = invoice.RefundedAmount + amount, Currency = invoice.Currency,
        Source = claim.Source, Reason = claim.Reason?.Trim(), ExternalKey = externalKey, ActorUserId = currentUser.Info?.Id, CreatedAt = now,
    };
}
