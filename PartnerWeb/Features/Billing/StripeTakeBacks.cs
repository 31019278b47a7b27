using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Billing;

/// <summary>Why a take-back is settled: a Stripe event, or an admin's refund through Stripe's API (then with the admin and their reason).</summary>
public sealed record TakeBackCause(StripeEventRef? Event, string? Reason = null, Guid? ActorUserId = null);

/// <summary>
/// What Stripe takes back from a payment (refunds, disputes) reaches the invoice here, and only here.
/// Each event is merged into its object's <see cref="StripeAdjustment"/>; the payment is found by payment
/// intent or charge id (never by metadata, which Stripe does not copy to charges, refunds or disputes);
/// then the invoice is settled: <see cref="StripeSettlement"/> says how much of the payment is refunded
/// and disputed now, and the difference from what the invoice's refund rows already say is written as
/// new rows (negative when money came back), each with its reversal tasks and audit event. Settling from
/// the whole state rather than applying each event's own amount is what makes every order and every
/// repetition of the events end the same. An object whose payment is not recorded yet waits, parked,
/// and is settled when the payment lands (<see cref="SettleParkedAsync"/>).
/// </summary>
public sealed class StripeTakeBacks(
    AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, AccrualScheduler scheduler, ILogger<StripeTakeBacks> logger)
{
    /// <summary>A round is lost only to a concurrent writer on the same payment; the next one reads what it wrote.</summary>
    private const int MaxRounds = 4;

    /// <summary>Merges what an event (or Stripe's answer to our own call) says of an object and settles its payment.</summary>
    public async Task<string> ApplyAsync(StripeAdjustment seen, TakeBackCause cause, CancellationToken ct)
    {
        var outcome = await InRoundsAsync(work => ApplyOnceAsync(work, seen, cause, ct), ct);
        // The payment may have committed while this was being parked, its own look-up missing this row:
        // one of the two look-ups always sees the other's commit.
        if (outcome == "parked") await SettleParkedAsync(seen.PaymentIntentId, seen.ChargeId, ct);
        return outcome;
    }

    /// <summary>Settles what waited for the payment with these ids, if anything did.</summary>
    public async Task SettleParkedAsync(string? paymentIntentId, string? chargeId, CancellationToken ct)
    {
        if (!await db.StripeAdjustments.AnyAsync(a => a.PaymentId == null
            && ((paymentIntentId != null && a.PaymentIntentId == paymentIntentId) || (chargeId != null && a.ChargeId == chargeId)), ct)) return;
        var outcome = await InRoundsAsync(async work =>
        {
            var payment = await db.StripePayments.FirstOrDefaultAsync(p =>
                (paymentIntentId != null && p.PaymentIntentId == paymentIntentId) || (chargeId != null && p.ChargeId == chargeId), ct);
            return payment is null ? work.Discard("parked") : await SettleAsync(work, payment, new TakeBackCause(null, $"payment {paymentIntentId ?? chargeId} recorded"), ct);
        }, ct);
        logger.LogInformation("Parked Stripe take-backs of payment {PaymentIntentId}/{ChargeId} settled: {Outcome}", paymentIntentId, chargeId, outcome);
    }

    private Task<string> InRoundsAsync(Func<UnitOfWork, Task<string>> body, CancellationToken ct) =>
        UnitOfWork.RunInRoundsAsync(db, MaxRounds, (work, _) => body(work), ct);

    private async Task<string> ApplyOnceAsync(UnitOfWork work, StripeAdjustment seen, TakeBackCause cause, CancellationToken ct)
    {
        if (cause.Event is { } e && await StripeEventLedger.SeenAsync(db, e.Id, ct)) return work.Discard("duplicate");
        var now = clock.GetUtcNow().UtcDateTime;
        var known = await db.StripeAdjustments.FirstOrDefaultAsync(a => a.ObjectId == seen.ObjectId, ct);
        if (known is null)
        {
            // A retried round must not add the instance an earlier round added: the tracker was cleared.
            known = seen.Copy();
            known.CreatedAt = known.UpdatedAt = now;
            db.StripeAdjustments.Add(known);
        }
        else
        {
            if (known.Merge(seen)) known.UpdatedAt = now;
            known.Revision++;
        }

        var payment = await PaymentOfAsync(known, ct);
        if (payment is null)
        {
            logger.LogInformation("Stripe {ObjectId} ({Cause}) belongs to no payment recorded here yet: parked", known.ObjectId, cause.Event?.Type ?? cause.Reason);
            return Recorded(cause, null, "parked", now);
        }
        payment.ChargeId ??= known.ChargeId;
        return Recorded(cause, payment.InvoiceId, await SettleAsync(work, payment, cause with { Reason = cause.Reason ?? $"{cause.Event?.Type} {known.ObjectId}" }, ct), now);
    }

    /// <summary>An event is recorded with what it decided, so a redelivery decides nothing again.</summary>
    private string Recorded(TakeBackCause cause, Guid? invoiceId, string outcome, DateTime now)
    {
        if (cause.Event is { } stripeEvent) db.ProcessedStripeEvents.Add(StripeEventLedger.Row(stripeEvent, invoiceId, outcome, now));
        return outcome;
    }

    private Task<StripePaymentRecord?> PaymentOfAsync(StripeAdjustment adjustment, CancellationToken ct) =>
        adjustment.PaymentId is { } id ? db.StripePayments.FirstOrDefaultAsync(p => p.Id == id, ct)
        : (adjustment.PaymentIntentId, adjustment.ChargeId) is (null, null) ? Task.FromResult<StripePaymentRecord?>(null)
        : db.StripePayments.FirstOrDefaultAsync(p =>
            (adjustment.PaymentIntentId != null && p.PaymentIntentId == adjustment.PaymentIntentId) || (adjustment.ChargeId != null && p.ChargeId == adjustment.ChargeId), ct);

    /// <summary>Moves the invoice to what the payment's take-back says now; the outcome names what moved.</summary>
    private async Task<string> SettleAsync(UnitOfWork work, StripePaymentRecord payment, TakeBackCause cause, CancellationToken ct)
    {
        // Read before the facts: a settlement of the same payment committed since fails this one's save.
        payment.Revision++;
        // Tracked: the query answers the instances already tracked (the one this event changed among them).
        var adjustments = await db.StripeAdjustments
            .Where(a => (payment.PaymentIntentId != null && a.PaymentIntentId == payment.PaymentIntentId) || (payment.ChargeId != null && a.ChargeId == payment.ChargeId))
            .ToListAsync(ct);
        adjustments.AddRange(db.StripeAdjustments.Local.Where(a => db.Entry(a).State == EntityState.Added && !adjustments.Contains(a)));
        foreach (var a in adjustments.Where(a => a.PaymentId is null)) (a.PaymentId, a.Revision) = (payment.Id, a.Revision + 1);
        // What is given back of an overpayment is read from these rows (GET /api/billing/overpayments); the invoice is not its.
        if (payment.Overpayment) return "overpayment";
        foreach (var a in adjustments.Where(a => !StripeSettlement.SameCurrency(a, payment.Currency)))
            logger.LogWarning("Stripe {ObjectId} in {Currency} left out of payment {PaymentId} in {PaymentCurrency}", a.ObjectId, a.Currency, payment.Id, payment.Currency);
        var takeBack = StripeSettlement.TakeBack(payment.Amount, payment.Currency, adjustments);
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == payment.InvoiceId, ct);
        if (cause.ActorUserId is { } actor)
            audit.Record(AuditActions.InvoiceRefundRequested, nameof(Invoice), invoice.Id, invoice.TenantId, new { reason = cause.Reason, actor, paymentIntentId = payment.PaymentIntentId });

        var booked = await db.InvoiceRefunds.Where(r => r.StripePaymentId == payment.Id)
            .GroupBy(r => r.Source).Select(g => new { Source = g.Key, Amount = g.Sum(r => r.Amount) }).ToListAsync(ct);
        long Booked(RefundSource source) => booked.Where(r => r.Source == source).Sum(r => r.Amount);
        List<(RefundSource Source, long Delta)> moves =
        [
            (RefundSource.StripeRefund, takeBack.Refunded - Booked(RefundSource.StripeRefund)),
            (RefundSource.StripeDispute, takeBack.Disputed - Booked(RefundSource.StripeDispute)),
        ];
        // Money that came back first, so the invoice's refunded total never passes its total on the way.
        moves = moves.Where(m => m.Delta != 0).OrderBy(m => m.Delta).ToList();
        if (moves.Count == 0) return "unchanged";

        var now = clock.GetUtcNow().UtcDateTime;
        var refunded = invoice.RefundedAmount;
        List<InvoiceRefund> rows = [];
        foreach (var (source, delta) in moves)
        {
            // Only a refund recorded by hand beside Stripe's could push past the invoice's bounds.
            var amount = Math.Clamp(refunded + delta, 0, invoice.Total) - refunded;
            if (amount == 0) continue;
            refunded += amount;
            rows.Add(new InvoiceRefund
            {
                Id = ids.NewId(), InvoiceId = invoice.Id, Amount = amount, CumulativeRefunded = refunded, Currency = invoice.Currency, Source = source,
                Reason = cause.Reason, ExternalKey = $"stripe:{payment.Id:N}:{ids.NewId():N}", StripePaymentId = payment.Id,
                ActorUserId = cause.ActorUserId, CreatedAt = now,
            });
        }
        if (rows.Count == 0) return "unchanged";
        var status = StateMachines.SettledStatus(invoice.Total, refunded);
        if (await InvoiceRefunds.SwapRefundedAsync(db, invoice.Id, invoice.RefundedAmount, refunded, status, StateMachines.InvoiceSettled, ct) == 0)
            throw new DbUpdateConcurrencyException($"Invoice {invoice.Id} was refunded by another writer since it was read.");

        db.InvoiceRefunds.AddRange(rows);
        var tasks = rows.SelectMany(row => AccrualTask.ReversalsOf(row, ids, now)).ToList();
        db.AccrualTasks.AddRange(tasks);
        foreach (var row in rows)
        {
            audit.Record(Action(row), nameof(Invoice), invoice.Id, invoice.TenantId, new
            {
                refundId = row.Id, amount = row.Amount, refundedAmount = row.CumulativeRefunded, status = status.ToString(), source = row.Source.ToString(),
                reason = cause.Reason, paymentIntentId = payment.PaymentIntentId, chargeId = payment.ChargeId, stripeEventId = cause.Event?.Id,
            });
        }
        work.AfterCommit(() => scheduler.Enqueue(tasks.Select(t => t.Id)));
        return Outcome(rows[^1]);
    }

    private static string Action(InvoiceRefund row) => InvoiceRefund.ReasonOf(row.Source, row.Amount) switch
    {
        EntryReason.Dispute => AuditActions.InvoiceDisputed,
        EntryReason.DisputeWon => AuditActions.InvoiceDisputeReinstated,
        EntryReason.RefundFailed => AuditActions.InvoiceRefundFailed,
        _ => AuditActions.InvoiceRefunded,
    };

    private static string Outcome(InvoiceRefund row) => InvoiceRefund.ReasonOf(row.Source, row.Amount) switch
    {
        EntryReason.Dispute => "disputed",
        EntryReason.Refund => "refunded",
        _ => "reinstated",
    };
}
