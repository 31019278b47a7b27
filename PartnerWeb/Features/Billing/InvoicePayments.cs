using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Billing;

public enum PaymentOutcome
{
    Paid,
    AlreadyPaid,
    Void,
    NotFound,
    Mismatch,
    DuplicateEvent,
}

/// <summary>
/// A claim that an invoice was paid. Stripe claims carry the amount and currency paid, which
/// must equal the invoice's; a manual approval carries neither.
/// </summary>
public sealed record PaymentClaim(
    Guid InvoiceId, PaymentMethod Method, string? Reference,
    long? Amount = null, string? Currency = null, StripeEventRef? StripeEvent = null);

/// <summary>
/// The invoice-paid moment, shared by the Stripe webhook and manual approval. In one transaction:
/// the open → paid conditional update (exactly one concurrent caller wins), the accrual outbox rows,
/// the audit event and, for Stripe, the processed event id. Accrual jobs are enqueued after commit.
/// </summary>
public sealed class InvoicePayments(
    AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, AccrualScheduler scheduler,
    ILogger<InvoicePayments> logger)
{
    public async Task<PaymentOutcome> PayAsync(PaymentClaim claim, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<AccrualTask> tasks = [];
        PaymentOutcome outcome;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            ProcessedStripeEvent? processed = null;
            if (claim.StripeEvent is { } stripeEvent)
            {
                processed = await StripeEventLedger.TryRecordAsync(db, tx, stripeEvent, claim.InvoiceId, now, ct);
                if (processed is null) return PaymentOutcome.DuplicateEvent;
            }

            // Nothing is recorded for an invoice we do not know, not even the event id.
            var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == claim.InvoiceId, ct);
            if (invoice is null) return Unknown(claim);

            outcome = Decide(claim, invoice, paidEarlier: false);
            if (outcome == PaymentOutcome.Mismatch) RecordMismatch(claim, invoice);
            if (outcome == PaymentOutcome.Paid
                && !await MarkPaidAsync([(claim, invoice)], now, await ResellerTenantsAsync([invoice.TenantId], ct), tasks, ct))
            {
                // Another payer committed between our read and our update.
                var status = await db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.Status).SingleAsync(ct);
                outcome = status == InvoiceStatus.Void ? PaymentOutcome.Void : PaymentOutcome.AlreadyPaid;
            }
            if (processed is not null) processed.Outcome = outcome.ToString().ToLowerInvariant();
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (outcome == PaymentOutcome.Paid) scheduler.Enqueue(tasks.Select(t => t.Id));
        return outcome;
    }

    /// <summary>
    /// Group commit: the same decisions as <see cref="PayAsync"/> for each claim, in order, in one
    /// transaction with one query for the event ids already processed and one for the invoices. An
    /// invoice paid by an earlier claim of the batch is already paid for the later ones; an event id
    /// seen earlier in the batch is a duplicate. Nothing is written for unknown invoices or duplicates.
    /// Throws when the batch cannot be committed as decided (a concurrent writer recorded one of its
    /// event ids, or paid or voided one of its invoices); <see cref="PaymentBatcher"/> then runs each
    /// claim on its own.
    /// <para>
    /// The look-ups run before the write transaction, so SQLite's single write lock is held only for
    /// the writes. That is safe because what matters is re-checked under the lock: an event id recorded
    /// meanwhile fails the insert on its primary key, an invoice paid or voided meanwhile leaves the
    /// group's conditional open → paid update short of its count (both roll the group back), and every
    /// claim that would not flip an open invoice (void, paid, mismatch) has its invoice read again
    /// inside the transaction. A tenant's reseller never changes.
    /// </para>
    /// </summary>
    public async Task<IReadOnlyList<PaymentOutcome>> PayManyAsync(IReadOnlyList<PaymentClaim> claims, CancellationToken ct)
    {
        if (claims.Count == 1) return [await PayAsync(claims[0], ct)];
        var now = clock.GetUtcNow().UtcDateTime;
        var outcomes = new PaymentOutcome[claims.Count];
        List<AccrualTask> tasks = [];
        var eventIds = claims.Where(c => c.StripeEvent is not null).Select(c => c.StripeEvent!.Id).Distinct().ToList();
        var seen = eventIds.Count == 0 ? [] : (await db.ProcessedStripeEvents.AsNoTracking()
            .Where(e => eventIds.Contains(e.EventId)).Select(e => e.EventId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var invoiceIds = claims.Select(c => c.InvoiceId).Distinct().ToList();
        var invoices = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var resellerTenants = await ResellerTenantsAsync(invoices.Values.Select(i => i.TenantId).Distinct().ToList(), ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var settle = claims.Where(c => invoices.TryGetValue(c.InvoiceId, out var i) && !(i.Status == InvoiceStatus.Open && Matches(c, i)))
                .Select(c => c.InvoiceId).Distinct().ToList();
            if (settle.Count > 0)
            {
                foreach (var fresh in await db.Invoices.AsNoTracking().Where(i => settle.Contains(i.Id)).ToListAsync(ct))
                    invoices[fresh.Id] = fresh;
            }
            var paidHere = new HashSet<Guid>();
            List<(PaymentClaim, Invoice)> paying = [];

            for (var n = 0; n < claims.Count; n++)
            {
                var claim = claims[n];
                if (claim.StripeEvent is { } duplicate && seen.Contains(duplicate.Id))
                {
                    outcomes[n] = PaymentOutcome.DuplicateEvent;
                    continue;
                }
                if (!invoices.TryGetValue(claim.InvoiceId, out var invoice))
                {
                    outcomes[n] = Unknown(claim);
                    continue;
                }
                var outcome = Decide(claim, invoice, paidHere.Contains(invoice.Id));
                if (outcome == PaymentOutcome.Mismatch) RecordMismatch(claim, invoice);
                if (outcome == PaymentOutcome.Paid)
                {
                    paidHere.Add(invoice.Id);
                    paying.Add((claim, invoice));
                }
                if (claim.StripeEvent is { } stripeEvent)
                {
                    seen.Add(stripeEvent.Id);
                    db.ProcessedStripeEvents.Add(StripeEventLedger.Row(stripeEvent, invoice.Id, outcome.ToString().ToLowerInvariant(), now));
                }
                outcomes[n] = outcome;
            }
            if (paying.Count > 0 && !await MarkPaidAsync(paying, now, resellerTenants, tasks, ct))
                throw new DbUpdateConcurrencyException("An invoice of the batch was paid or voided by another writer meanwhile.");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        // The next group need not wait for the job storage (see AccrualScheduler.EnqueueInBackground).
        if (tasks.Count > 0) scheduler.EnqueueInBackground(tasks.Select(t => t.Id).ToArray());
        return outcomes;
    }

    /// <summary>
    /// The decision for one claim on the invoice as read; <paramref name="paidEarlier"/>: paid by an
    /// earlier claim of the same batch. <see cref="PaymentOutcome.Paid"/> means "to be paid" until
    /// <see cref="MarkPaidAsync"/> has won the conditional update.
    /// </summary>
    private static PaymentOutcome Decide(PaymentClaim claim, Invoice invoice, bool paidEarlier) => invoice.Status switch
    {
        InvoiceStatus.Void => PaymentOutcome.Void,
        InvoiceStatus.Open when paidEarlier => PaymentOutcome.AlreadyPaid,
        InvoiceStatus.Open when !Matches(claim, invoice) => PaymentOutcome.Mismatch,
        InvoiceStatus.Open => PaymentOutcome.Paid,
        _ => PaymentOutcome.AlreadyPaid,
    };

    private PaymentOutcome Unknown(PaymentClaim claim)
    {
        logger.LogWarning("Payment for unknown invoice {InvoiceId} ignored ({Method})", claim.InvoiceId, claim.Method);
        return PaymentOutcome.NotFound;
    }

    private static bool Matches(PaymentClaim claim, Invoice invoice) =>
        (claim.Amount is null || claim.Amount == invoice.Total)
        && (claim.Currency is null || string.Equals(claim.Currency, invoice.Currency, StringComparison.OrdinalIgnoreCase));

    private void RecordMismatch(PaymentClaim claim, Invoice invoice)
    {
        logger.LogWarning("Payment of {Amount} {Currency} does not match invoice {InvoiceId} ({Total} {InvoiceCurrency})",
            claim.Amount, claim.Currency, invoice.Id, invoice.Total, invoice.Currency);
        audit.Record(AuditActions.InvoicePaymentMismatch, nameof(Invoice), invoice.Id, invoice.TenantId, new
        {
            method = claim.Method.ToString().ToLowerInvariant(), paidAmount = claim.Amount,
            paidCurrency = claim.Currency?.ToUpperInvariant(), invoice.Total, invoice.Currency, stripeEventId = claim.StripeEvent?.Id,
        });
    }

    /// <summary>
    /// The tenants among these that a reseller created. A tenant's reseller is set when the reseller
    /// creates it and never later, so an invoice of any other tenant has no reseller commission to
    /// accrue and gets no reseller task.
    /// </summary>
    private async Task<HashSet<Guid>> ResellerTenantsAsync(List<Guid> tenantIds, CancellationToken ct) =>
        (await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id) && t.ResellerId != null).Select(t => t.Id).ToListAsync(ct)).ToHashSet();

    /// <summary>
    /// The open → paid moment for these invoices: one conditional update per payment method (exactly one
    /// concurrent payer wins an invoice), then each invoice's reference, its accrual outbox rows and its
    /// audit event, saved with the caller's transaction. False when any invoice was no longer open;
    /// the caller then decides again (one claim) or rolls back (a batch).
    /// </summary>
    private async Task<bool> MarkPaidAsync(
        IReadOnlyList<(PaymentClaim Claim, Invoice Invoice)> paying, DateTime now, HashSet<Guid> resellerTenants, List<AccrualTask> tasks, CancellationToken ct)
    {
        foreach (var byMethod in paying.GroupBy(p => p.Claim.Method))
        {
            var method = byMethod.Key;
            var invoiceIds = byMethod.Select(p => p.Invoice.Id).ToList();
            var won = await db.Invoices
                .Where(i => invoiceIds.Contains(i.Id) && i.Status == InvoiceStatus.Open)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Status, InvoiceStatus.Paid)
                    .SetProperty(i => i.PaymentMethod, method)
                    .SetProperty(i => i.PaidAt, now), ct);
            if (won != invoiceIds.Count) return false;
        }

        foreach (var (claim, invoice) in paying)
        {
            // The rows are ours now (the update above holds them until commit); the reference differs
            // per claim, so it is written with the other rows of this unit of work.
            db.Invoices.Attach(invoice).Property(i => i.PaymentReference).CurrentValue = claim.Reference;
            var added = Enum.GetValues<AccrualKind>()
                .Where(kind => kind != AccrualKind.Reseller || resellerTenants.Contains(invoice.TenantId))
                .Select(kind => new AccrualTask { Id = ids.NewId(), InvoiceId = invoice.Id, Kind = kind, CreatedAt = now }).ToList();
            db.AccrualTasks.AddRange(added);
            tasks.AddRange(added);
            audit.Record(AuditActions.InvoicePaid, nameof(Invoice), invoice.Id, invoice.TenantId, new
            {
                method = claim.Method.ToString().ToLowerInvariant(), reference = claim.Reference,
                invoice.Total, invoice.Currency, stripeEventId = claim.StripeEvent?.Id, stripeEventType = claim.StripeEvent?.Type,
            });
        }
        return true;
    }
}
