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
/// The one refund path (admin API, Stripe refunds and disputes). In one transaction: the Stripe event
/// id or idempotency key, a compare-and-swap of the invoice's refunded total and status (cumulative
/// refunds never pass the total), the refund row, one reversal task per accrual kind and the audit
/// event. Reversal jobs are enqueued after commit.
/// </summary>
public sealed class InvoiceRefunds(
    AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, AccrualScheduler scheduler, CurrentUser currentUser,
    ILogger<InvoiceRefunds> logger)
{
    public async Task<RefundOutcome> RefundAsync(RefundClaim claim, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var externalKey = claim.StripeEvent is { } e ? $"stripe:{e.Id}" : claim.IdempotencyKey is { } key ? $"key:{key}" : null;
        List<AccrualTask> tasks = [];
        RefundOutcome outcome;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            ProcessedStripeEvent? processed = null;
            if (claim.StripeEvent is { } stripeEvent)
            {
                processed = await StripeEventLedger.TryRecordAsync(db, tx, stripeEvent, claim.InvoiceId, now, ct);
                if (processed is null) return RefundOutcome.Duplicate;
            }
            if (externalKey is not null && await db.InvoiceRefunds.AnyAsync(r => r.ExternalKey == externalKey, ct))
                return RefundOutcome.Duplicate;

            var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == claim.InvoiceId, ct);
            if (invoice is null)
            {
                logger.LogWarning("Refund for unknown invoice {InvoiceId} ignored ({Source})", claim.InvoiceId, claim.Source);
                return RefundOutcome.NotFound;
            }
            var (decided, amount) = await DecideAsync(claim, invoice, ct);
            outcome = decided == RefundOutcome.Refunded ? await ApplyAsync(claim, invoice, amount, externalKey, now, tasks, ct) : decided;
            if (processed is not null) processed.Outcome = outcome.ToString().ToLowerInvariant();
            // A lost compare-and-swap records nothing, not even the event id, so Stripe's retry applies it.
            if (outcome is RefundOutcome.Refunded || (processed is not null && outcome is not RefundOutcome.Conflict))
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }

        if (outcome == RefundOutcome.Refunded) scheduler.Enqueue(tasks.Select(t => t.Id));
        return outcome;
    }

    private async Task<(RefundOutcome, long)> DecideAsync(RefundClaim claim, Invoice invoice, CancellationToken ct)
    {
        if (invoice.Status is not (InvoiceStatus.Paid or InvoiceStatus.PartiallyRefunded)) return (RefundOutcome.NotRefundable, 0);
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

    private async Task<RefundOutcome> ApplyAsync(
        RefundClaim claim, Invoice invoice, long amount, string? externalKey, DateTime now, List<AccrualTask> tasks, CancellationToken ct)
    {
        var refunded = invoice.RefundedAmount + amount;
        var status = refunded == invoice.Total ? InvoiceStatus.Refunded : InvoiceStatus.PartiallyRefunded;
        // Compare-and-swap on what we read: a concurrent refund makes this one a conflict, never a double.
        var swapped = await db.Invoices
            .Where(i => i.Id == invoice.Id && i.Status == invoice.Status && i.RefundedAmount == invoice.RefundedAmount)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RefundedAmount, refunded).SetProperty(i => i.Status, status), ct);
        if (swapped == 0) return RefundOutcome.Conflict;

        var refund = new InvoiceRefund
        {
            Id = ids.NewId(), InvoiceId = invoice.Id, Amount = amount, CumulativeRefunded = refunded, Currency = invoice.Currency,
            Source = claim.Source, Reason = claim.Reason?.Trim(), ExternalKey = externalKey, ActorUserId = currentUser.Info?.Id, CreatedAt = now,
        };
        db.InvoiceRefunds.Add(refund);
        tasks.AddRange(Enum.GetValues<AccrualKind>().Select(kind =>
            new AccrualTask { Id = ids.NewId(), InvoiceId = invoice.Id, Kind = kind, RefundId = refund.Id, CreatedAt = now }));
        db.AccrualTasks.AddRange(tasks);
        audit.Record(AuditActions.InvoiceRefunded, nameof(Invoice), invoice.Id, invoice.TenantId, new
        {
            refundId = refund.Id, amount, refundedAmount = refunded, status = status.ToString(), source = claim.Source.ToString(),
            reason = refund.Reason, stripeEventId = claim.StripeEvent?.Id,
        });
        return RefundOutcome.Refunded;
    }
}
