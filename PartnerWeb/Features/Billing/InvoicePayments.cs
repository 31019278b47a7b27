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

            var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == claim.InvoiceId, ct);
            if (invoice is null)
            {
                // Nothing is recorded for an invoice we do not know, not even the event id.
                logger.LogWarning("Payment for unknown invoice {InvoiceId} ignored ({Method})", claim.InvoiceId, claim.Method);
                return PaymentOutcome.NotFound;
            }

            outcome = invoice.Status switch
            {
                InvoiceStatus.Void => PaymentOutcome.Void,
                InvoiceStatus.Open when !Matches(claim, invoice) => RecordMismatch(claim, invoice),
                InvoiceStatus.Open => await TransitionAsync(claim, invoice, now, await ResellerTenantsAsync([invoice.TenantId], ct), tasks, ct),
                _ => PaymentOutcome.AlreadyPaid,
            };
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
    /// Throws when the batch cannot be committed (a concurrent writer recorded one of its event ids);
    /// <see cref="PaymentBatcher"/> then runs each claim on its own.
    /// <para>
    /// The look-ups run before the write transaction, so SQLite's single write lock is held only for
    /// the writes. That is safe because what matters is re-checked under the lock: an event id recorded
    /// meanwhile fails the insert on its primary key (and the batch falls back to single claims), an
    /// invoice paid or voided meanwhile fails the conditional open → paid update, which then reads its
    /// status again, and every claim that would not flip an open invoice (void, paid, mismatch) has its
    /// invoice read again inside the transaction. A tenant's reseller never changes.
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
                    logger.LogWarning("Payment for unknown invoice {InvoiceId} ignored ({Method})", claim.InvoiceId, claim.Method);
                    outcomes[n] = PaymentOutcome.NotFound;
                    continue;
                }
                var outcome = invoice.Status switch
                {
                    InvoiceStatus.Void => PaymentOutcome.Void,
                    InvoiceStatus.Open when paidHere.Contains(invoice.Id) => PaymentOutcome.AlreadyPaid,
                    InvoiceStatus.Open when !Matches(claim, invoice) => RecordMismatch(claim, invoice),
                    InvoiceStatus.Open => await TransitionAsync(claim, invoice, now, resellerTenants, tasks, ct),
                    _ => PaymentOutcome.AlreadyPaid,
                };
                if (outcome == PaymentOutcome.Paid) paidHere.Add(invoice.Id);
                if (claim.StripeEvent is { } stripeEvent)
                {
                    seen.Add(stripeEvent.Id);
                    db.ProcessedStripeEvents.Add(new ProcessedStripeEvent
                    {
                        EventId = stripeEvent.Id, Type = stripeEvent.Type, InvoiceId = invoice.Id,
                        Outcome = outcome.ToString().ToLowerInvariant(), ReceivedAt = now,
                    });
                }
                outcomes[n] = outcome;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        scheduler.Enqueue(tasks.Select(t => t.Id));
        return outcomes;
    }

    private static bool Matches(PaymentClaim claim, Invoice invoice) =>
        (claim.Amount is null || claim.Amount == invoice.Total)
        && (claim.Currency is null || string.Equals(claim.Currency, invoice.Currency, StringComparison.OrdinalIgnoreCase));

    private PaymentOutcome RecordMismatch(PaymentClaim claim, Invoice invoice)
    {
        logger.LogWarning("Payment of {Amount} {Currency} does not match invoice {InvoiceId} ({Total} {InvoiceCurrency})",
            claim.Amount, claim.Currency, invoice.Id, invoice.Total, invoice.Currency);
        audit.Record(AuditActions.InvoicePaymentMismatch, nameof(Invoice), invoice.Id, invoice.TenantId, new
        {
            method = claim.Method.ToString().ToLowerInvariant(), paidAmount = claim.Amount,
            paidCurrency = claim.Currency?.ToUpperInvariant(), invoice.Total, invoice.Currency, stripeEventId = claim.StripeEvent?.Id,
        });
        return PaymentOutcome.Mismatch;
    }

    /// <summary>
    /// The tenants among these that a reseller created. A tenant's reseller is set when the reseller
    /// creates it and never later, so an invoice of any other tenant has no reseller commission to
    /// accrue and gets no reseller task.
    /// </summary>
    private async Task<HashSet<Guid>> ResellerTenantsAsync(List<Guid> tenantIds, CancellationToken ct) =>
        (await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id) && t.ResellerId != null).Select(t => t.Id).ToListAsync(ct)).ToHashSet();

    private async Task<PaymentOutcome> TransitionAsync(
        PaymentClaim claim, Invoice invoice, DateTime now, HashSet<Guid> resellerTenants, List<AccrualTask> tasks, CancellationToken ct)
    {
        var won = await db.Invoices
            .Where(i => i.Id == invoice.Id && i.Status == InvoiceStatus.Open)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, InvoiceStatus.Paid)
                .SetProperty(i => i.PaymentMethod, claim.Method)
                .SetProperty(i => i.PaymentReference, claim.Reference)
                .SetProperty(i => i.PaidAt, now), ct);
        if (won == 0)
        {
            // Another payer committed between our read and our update.
            var status = await db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.Status).SingleAsync(ct);
            return status == InvoiceStatus.Void ? PaymentOutcome.Void : PaymentOutcome.AlreadyPaid;
        }

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
        return PaymentOutcome.Paid;
    }
}
