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

    /// <summary>A Stripe payment other than the one that paid the invoice: recorded apart, see <see cref="StripePaymentRecord.Overpayment"/>.</summary>
    Overpaid,
}

/// <summary>
/// A claim that an invoice was paid. Stripe claims carry the amount and currency paid, which
/// must equal the invoice's; a manual approval carries neither.
/// </summary>
public sealed record PaymentClaim(
    Guid InvoiceId, PaymentMethod Method, string? Reference,
    long? Amount = null, string? Currency = null, StripeEventRef? StripeEvent = null,
    string? PaymentIntentId = null, string? ChargeId = null);

/// <summary>
/// The invoice-paid moment, shared by the Stripe webhook (a group of claims, see <see cref="PaymentBatcher"/>)
/// and manual approval (a group of one). One <see cref="UnitOfWork"/> writes, in the order every money write
/// follows so that two writers always lock rows in the same order: the processed Stripe event ids (sorted,
/// saved first), then the open → paid conditional update (exactly one concurrent payer wins an invoice),
/// then the accrual outbox rows and the audit events. Accrual jobs are enqueued after commit.
/// </summary>
public sealed class InvoicePayments(
    AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, AccrualScheduler scheduler,
    ILogger<InvoicePayments> logger)
{
    /// <summary>A round lost to another writer means that writer moved one of the group's event ids or invoices for good, so few rounds ever run.</summary>
    private const int MaxRounds = 3;

    private sealed record Reads(HashSet<string> Seen, Dictionary<Guid, Invoice> Invoices, HashSet<Guid> ResellerTenants);

    /// <summary>What one round decided to write besides the flip itself.</summary>
    private sealed record Writes(List<(PaymentClaim Claim, Invoice Invoice)> Paying, List<(PaymentClaim Claim, Invoice Invoice)> Mismatched,
        List<(PaymentClaim Claim, Invoice Invoice)> Overpaid, List<StripePaymentRecord> Payments);

    public async Task<PaymentOutcome> PayAsync(PaymentClaim claim, CancellationToken ct) => (await PayManyAsync([claim], ct))[0];

    /// <summary>
    /// Decides each claim in order: an invoice paid by an earlier claim of the group is already paid for
    /// the later ones; an event id seen earlier is a duplicate. Nothing is written for unknown invoices
    /// or duplicates. Throws when the group cannot be committed as decided after a few rounds;
    /// <see cref="PaymentBatcher"/> then runs each claim on its own.
    /// <para>
    /// The look-ups run before the write transaction, so SQLite's single write lock is held only for
    /// the writes. That is safe because what matters is re-checked under the lock: an event id recorded
    /// meanwhile fails the insert on its primary key, an invoice paid or voided meanwhile leaves the
    /// conditional open → paid update short of its count (either way the round is rolled back and the
    /// claims are decided again on fresh look-ups), and every claim that would not flip an open invoice
    /// (void, paid, mismatch) has its invoice read again inside the transaction. A tenant's reseller never changes.
    /// </para>
    /// </summary>
    public async Task<IReadOnlyList<PaymentOutcome>> PayManyAsync(IReadOnlyList<PaymentClaim> claims, CancellationToken ct)
    {
        for (var round = 1; ; round++)
        {
            var reads = await ReadAsync(claims, ct);
            try
            {
                return await UnitOfWork.RunAsync(db, (work, ct) => WriteAsync(work, claims, reads, ct), ct);
            }
            catch (DbUpdateException) when (round < MaxRounds)
            {
                logger.LogDebug("A group of {Count} payments lost round {Round} to another writer; deciding it again", claims.Count, round);
            }
        }
    }

    private async Task<Reads> ReadAsync(IReadOnlyList<PaymentClaim> claims, CancellationToken ct)
    {
        var eventIds = claims.Where(c => c.StripeEvent is not null).Select(c => c.StripeEvent!.Id).Distinct().ToList();
        var seen = eventIds.Count == 0 ? [] : (await db.ProcessedStripeEvents.AsNoTracking()
            .Where(e => eventIds.Contains(e.EventId)).Select(e => e.EventId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var invoiceIds = claims.Select(c => c.InvoiceId).Distinct().ToList();
        var invoices = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        return new(seen, invoices, await ResellerTenantsAsync(invoices.Values.Select(i => i.TenantId).Distinct().ToList(), ct));
    }

    private async Task<IReadOnlyList<PaymentOutcome>> WriteAsync(UnitOfWork work, IReadOnlyList<PaymentClaim> claims, Reads reads, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var invoices = new Dictionary<Guid, Invoice>(reads.Invoices);
        var settle = claims.Where(c => invoices.TryGetValue(c.InvoiceId, out var i) && !(Payable(i) && Matches(c, i)))
            .Select(c => c.InvoiceId).Distinct().ToList();
        if (settle.Count > 0)
        {
            foreach (var fresh in await db.Invoices.AsNoTracking().Where(i => settle.Contains(i.Id)).ToListAsync(ct))
                invoices[fresh.Id] = fresh;
        }

        var seen = new HashSet<string>(reads.Seen, StringComparer.Ordinal);
        var known = await RecordedPaymentsAsync(claims, invoices, ct);
        var outcomes = new PaymentOutcome[claims.Count];
        List<ProcessedStripeEvent> events = [];
        var writes = new Writes([], [], [], []);
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
            var outcome = Ledger(claim, invoice, Decide(claim, invoice, paidEarlier: writes.Paying.Exists(p => p.Invoice.Id == invoice.Id)), known, writes, now);
            if (claim.StripeEvent is { } stripeEvent)
            {
                seen.Add(stripeEvent.Id);
                events.Add(StripeEventLedger.Row(stripeEvent, invoice.Id, outcome.ToString().ToLowerInvariant(), now));
            }
            outcomes[n] = outcome;
        }

        if (events.Count > 0)
        {
            db.ProcessedStripeEvents.AddRange(events.OrderBy(e => e.EventId, StringComparer.Ordinal));
            await db.SaveChangesAsync(ct);
        }
        if (writes.Paying.Count > 0 && !await FlipToPaidAsync(writes.Paying, now, ct))
            throw new DbUpdateConcurrencyException("An invoice of the group was paid or voided by another writer since it was read.");
        foreach (var (claim, invoice) in writes.Mismatched) RecordMismatch(claim, invoice);
        foreach (var (claim, invoice) in writes.Overpaid) RecordOverpaid(claim, invoice);
        db.StripePayments.AddRange(writes.Payments);
        var tasks = RecordPaid(writes.Paying, now, reads.ResellerTenants);
        if (tasks.Length > 0) work.AfterCommit(() => HandOver(tasks, claims.Count));
        return outcomes;
    }

    /// <summary>
    /// A lone claim is answered once its job is handed over; a group commit hands its tasks over in the
    /// background and goes on with the next group instead of waiting for the job storage (see
    /// <see cref="AccrualScheduler.EnqueueInBackground"/>).
    /// </summary>
    private void HandOver(Guid[] taskIds, int claimCount)
    {
        if (claimCount == 1) scheduler.Enqueue(taskIds);
        else scheduler.EnqueueInBackground(taskIds);
    }

    /// <summary>
    /// The decision for one claim on the invoice as read; <paramref name="paidEarlier"/>: paid by an
    /// earlier claim of the same group. <see cref="PaymentOutcome.Paid"/> means "to be paid" until
    /// <see cref="FlipToPaidAsync"/> has won the conditional update.
    /// </summary>
    private static PaymentOutcome Decide(PaymentClaim claim, Invoice invoice, bool paidEarlier) =>
        !Payable(invoice) ? (invoice.Status == InvoiceStatus.Void ? PaymentOutcome.Void : PaymentOutcome.AlreadyPaid)
        : paidEarlier ? PaymentOutcome.AlreadyPaid
        : !Matches(claim, invoice) ? PaymentOutcome.Mismatch
        : PaymentOutcome.Paid;

    private static bool Payable(Invoice invoice) => StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Paid);

    /// <summary>
    /// A claim's place in the payments ledger: the payment that pays the invoice is recorded; another
    /// report of a payment already recorded only fills in its charge id; any other Stripe payment for an
    /// invoice that is paid or void is an overpayment, recorded apart.
    /// </summary>
    private PaymentOutcome Ledger(PaymentClaim claim, Invoice invoice, PaymentOutcome outcome, List<StripePaymentRecord> known, Writes writes, DateTime now)
    {
        if (outcome == PaymentOutcome.Mismatch) writes.Mismatched.Add((claim, invoice));
        if (outcome == PaymentOutcome.Paid) writes.Paying.Add((claim, invoice));
        if (claim.StripeEvent is null || (claim.PaymentIntentId ?? claim.ChargeId) is null) return outcome;
        if (outcome == PaymentOutcome.Paid)
        {
            writes.Payments.Add(NewPayment(claim, invoice, overpayment: false, now));
            return outcome;
        }
        if (outcome is not (PaymentOutcome.AlreadyPaid or PaymentOutcome.Void or PaymentOutcome.Mismatch)) return outcome;
        var recorded = known.Concat(writes.Payments).ToList();
        var same = recorded.FirstOrDefault(p =>
            (claim.PaymentIntentId is not null && p.PaymentIntentId == claim.PaymentIntentId) || (claim.ChargeId is not null && p.ChargeId == claim.ChargeId));
        if (same is not null)
        {
            same.ChargeId ??= claim.ChargeId;
            return outcome;
        }
        // Paid by Stripe through an event that named no payment (an invoice.paid without its payments): this
        // is that payment, not a second one, and its refunds must reach the invoice.
        if (outcome == PaymentOutcome.AlreadyPaid && invoice.PaymentMethod == PaymentMethod.Stripe
            && !recorded.Exists(p => p.InvoiceId == invoice.Id && !p.Overpayment))
        {
            writes.Payments.Add(NewPayment(claim, invoice, overpayment: false, now));
            return outcome;
        }
        // Money that did not pay the invoice (a second payment, or one of the wrong amount): recorded apart.
        writes.Payments.Add(NewPayment(claim, invoice, overpayment: true, now));
        if (outcome == PaymentOutcome.Mismatch) return outcome;
        writes.Overpaid.Add((claim, invoice));
        return PaymentOutcome.Overpaid;
    }

    private StripePaymentRecord NewPayment(PaymentClaim claim, Invoice invoice, bool overpayment, DateTime now) => new()
    {
        Id = ids.NewId(), InvoiceId = invoice.Id, PaymentIntentId = claim.PaymentIntentId, ChargeId = claim.ChargeId,
        Amount = claim.Amount ?? invoice.Total, Currency = (claim.Currency ?? invoice.Currency).ToUpperInvariant(), Overpayment = overpayment,
        EventId = claim.StripeEvent!.Id, CreatedAt = now,
    };

    /// <summary>
    /// The recorded payments (tracked, so a charge id can be filled in) that claims which do not simply pay
    /// an open invoice may name again, and the payments that paid those claims' invoices. Claims that pay
    /// an open invoice, nearly all of them, need no look-up.
    /// </summary>
    private async Task<List<StripePaymentRecord>> RecordedPaymentsAsync(IReadOnlyList<PaymentClaim> claims, Dictionary<Guid, Invoice> invoices, CancellationToken ct)
    {
        var repeated = claims.GroupBy(c => c.InvoiceId).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var named = claims.Where(c => c.StripeEvent is not null && (c.PaymentIntentId ?? c.ChargeId) is not null
            && (repeated.Contains(c.InvoiceId) || (invoices.TryGetValue(c.InvoiceId, out var i) && !(Payable(i) && Matches(c, i))))).ToList();
        if (named.Count == 0) return [];
        var intents = named.Where(c => c.PaymentIntentId is not null).Select(c => c.PaymentIntentId!).Distinct().ToList();
        var charges = named.Where(c => c.ChargeId is not null).Select(c => c.ChargeId!).Distinct().ToList();
        var invoiceIds = named.Select(c => c.InvoiceId).Distinct().ToList();
        return await db.StripePayments.Where(p => intents.Contains(p.PaymentIntentId!) || charges.Contains(p.ChargeId!)
            || (invoiceIds.Contains(p.InvoiceId) && !p.Overpayment)).ToListAsync(ct);
    }

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

    private void RecordOverpaid(PaymentClaim claim, Invoice invoice)
    {
        logger.LogWarning("Stripe payment {PaymentIntentId}/{ChargeId} of {Amount} {Currency} for invoice {InvoiceId}, which is {Status}, recorded as an overpayment",
            claim.PaymentIntentId, claim.ChargeId, claim.Amount, claim.Currency, invoice.Id, invoice.Status);
        audit.Record(AuditActions.InvoiceOverpaid, nameof(Invoice), invoice.Id, invoice.TenantId, new
        {
            paidAmount = claim.Amount, paidCurrency = claim.Currency?.ToUpperInvariant(), paymentIntentId = claim.PaymentIntentId, chargeId = claim.ChargeId,
            invoiceStatus = invoice.Status.ToString(), stripeEventId = claim.StripeEvent?.Id,
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
    /// The open → paid moment: one conditional update per payment method, its ids sorted (exactly one
    /// concurrent payer wins an invoice). False when any invoice was no longer open.
    /// </summary>
    private async Task<bool> FlipToPaidAsync(List<(PaymentClaim Claim, Invoice Invoice)> paying, DateTime now, CancellationToken ct)
    {
        foreach (var byMethod in paying.GroupBy(p => p.Claim.Method))
        {
            var invoiceIds = byMethod.Select(p => p.Invoice.Id).Order().ToList();
            if (await PayAsync(db, invoiceIds, byMethod.Key, now, ct) != invoiceIds.Count) return false;
        }
        return true;
    }

    /// <summary>The invoices that are still payable become paid by <paramref name="method"/>; how many did.</summary>
    internal static Task<int> PayAsync(AppDbContext db, List<Guid> invoiceIds, PaymentMethod method, DateTime now, CancellationToken ct)
    {
        var payable = StateMachines.Invoice.From(InvoiceStatus.Paid);
        return db.Invoices
            .Where(i => invoiceIds.Contains(i.Id) && payable.Contains(i.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, InvoiceStatus.Paid)
                .SetProperty(i => i.PaymentMethod, method)
                .SetProperty(i => i.PaidAt, now), ct);
    }

    /// <summary>
    /// Each paid invoice's reference, accrual outbox rows and audit event, saved with the unit of work;
    /// returns the task ids.
    /// </summary>
    private Guid[] RecordPaid(List<(PaymentClaim Claim, Invoice Invoice)> paying, DateTime now, HashSet<Guid> resellerTenants)
    {
        List<Guid> taskIds = [];
        foreach (var (claim, invoice) in paying)
        {
            // The rows are ours now (the update above holds them until commit); the reference differs
            // per claim, so it is written with the other rows of this unit of work.
            db.Invoices.Attach(invoice).Property(i => i.PaymentReference).CurrentValue = claim.Reference;
            var added = Enum.GetValues<AccrualKind>()
                .Where(kind => kind != AccrualKind.Reseller || resellerTenants.Contains(invoice.TenantId))
                .Select(kind => new AccrualTask { Id = ids.NewId(), InvoiceId = invoice.Id, Kind = kind, CreatedAt = now }).ToList();
            db.AccrualTasks.AddRange(added);
            taskIds.AddRange(added.Select(t => t.Id));
            audit.Record(AuditActions.InvoicePaid, nameof(Invoice), invoice.Id, invoice.TenantId, new
            {
                method = claim.Method.ToString().ToLowerInvariant(), reference = claim.Reference,
                invoice.Total, invoice.Currency, stripeEventId = claim.StripeEvent?.Id, stripeEventType = claim.StripeEvent?.Type,
            });
        }
        return [.. taskIds];
    }
}
