using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Infrastructure;
using Stripe;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// A transfer reversed in Stripe (<c>transfer.reversed</c>, also sent for a reversal made in the dashboard)
/// gives the partner's money back to the platform: the payout becomes reversed and the amount goes back to
/// the partner's balance as a new entry, so the next payout pays it again. <c>amount_reversed</c> is
/// cumulative, so only what no earlier event returned is added; a compare-and-swap on the payout's
/// reversed amount makes concurrent deliveries one.
/// </summary>
public sealed class PayoutReversals(AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, ILogger<PayoutReversals> logger)
{
    private static readonly PayoutStatus[] Reversible = [PayoutStatus.Paid, PayoutStatus.Reversed];

    public Task<Result<string>> ApplyAsync(Transfer transfer, StripeEventRef stripeEvent, CancellationToken ct) =>
        UnitOfWork.RunInRoundsAsync(db, 3, (work, ct) => ApplyOnceAsync(work, transfer, stripeEvent, ct), ct);

    private async Task<Result<string>> ApplyOnceAsync(UnitOfWork work, Transfer transfer, StripeEventRef stripeEvent, CancellationToken ct)
    {
        if (await StripeEventLedger.SeenAsync(db, stripeEvent.Id, ct)) return work.Discard<Result<string>>("duplicate");
        var now = clock.GetUtcNow().UtcDateTime;
        Guid? metadataId = transfer.Metadata?.TryGetValue("payoutId", out var id) == true && Guid.TryParse(id, out var parsed) ? parsed : null;
        var payout = await db.PartnerPayouts.AsNoTracking().FirstOrDefaultAsync(p => p.Reference == transfer.Id || (metadataId != null && p.Id == metadataId), ct);
        if (payout is null || !string.Equals(payout.Currency, transfer.Currency, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Transfer {TransferId} reversed, but it paid no payout recorded here", transfer.Id);
            return Recorded(stripeEvent, "ignored", now);
        }
        // The transfer's own job has not recorded it paid yet: Stripe delivers again, by then it has.
        if (!Reversible.Contains(payout.Status))
            return work.Discard<Result<string>>(AppError.Conflict($"Payout {payout.Id} is {StateMachine<PayoutStatus>.Words(payout.Status)}, not yet paid; deliver the event again."));

        var returned = Math.Min(transfer.AmountReversed, payout.Amount) - payout.ReversedAmount;
        if (returned <= 0) return Recorded(stripeEvent, "unchanged", now);
        if (await ReverseAsync(db, payout.Id, payout.ReversedAmount, payout.ReversedAmount + returned, now, ct) == 0)
            throw new DbUpdateConcurrencyException($"Payout {payout.Id} was reversed by a concurrent delivery.");

        var entry = new PartnerEarning
        {
            Id = ids.NewId(), PartnerId = payout.PartnerId, Kind = EntryKind.PayoutReturn, ReturnsPayoutId = payout.Id, Currency = payout.Currency,
            GrossAmount = returned, CommissionAmount = 0, PartnerNet = returned, PayableAt = now, CreatedAt = now,
        };
        db.PartnerEarnings.Add(entry);
        var tenantId = await db.PartnerAccounts.Where(a => a.Id == payout.PartnerId).Select(a => a.TenantId).SingleAsync(ct);
        audit.Record(AuditActions.PartnerPayoutReversed, nameof(PartnerPayout), payout.Id, tenantId, new
        {
            payout.PartnerId, payout.Currency, returned, reversedAmount = payout.ReversedAmount + returned, transferId = transfer.Id,
            entryId = entry.Id, stripeEventId = stripeEvent.Id,
        });
        return Recorded(stripeEvent, "payout_reversed", now);
    }

    private Result<string> Recorded(StripeEventRef stripeEvent, string outcome, DateTime now)
    {
        db.ProcessedStripeEvents.Add(StripeEventLedger.Row(stripeEvent, null, outcome, now));
        return outcome;
    }

    /// <summary>The payout takes the reversal only while its reversed amount is still <paramref name="read"/>; 0 when another delivery came first.</summary>
    internal static Task<int> ReverseAsync(AppDbContext db, Guid payoutId, long read, long reversed, DateTime now, CancellationToken ct) =>
        db.PartnerPayouts.Where(p => p.Id == payoutId && Reversible.Contains(p.Status) && p.ReversedAmount == read)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Reversed).SetProperty(p => p.ReversedAmount, reversed)
                .SetProperty(p => p.ReversedAt, now), ct);
}
