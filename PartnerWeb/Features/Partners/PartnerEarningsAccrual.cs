using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// A paid invoice's lines whose items are listed earn for the listing's partner, under the
/// listing's rule at accrual time, whatever the listing's or partner's status. One accrual per
/// partner per invoice (also a unique index). A refund adds a reversal per accrual: its share of
/// the original gross and commission, at the original rate.
/// </summary>
public sealed class PartnerEarningsAccrual(AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock, IOptions<PartnerOptions> options) : IAccrual
{
    public AccrualKind Kind => AccrualKind.Partner;

    /// <summary>One query for the listings of every item in the batch; one accrual per (invoice, partner).</summary>
    public async Task<Action> PrepareAsync(IReadOnlyList<Invoice> invoices, CancellationToken ct)
    {
        var itemIds = invoices.SelectMany(i => i.Lines).Where(l => l.MarketplaceItemId != null)
            .Select(l => l.MarketplaceItemId!.Value).Distinct().ToList();
        if (itemIds.Count == 0) return () => { };
        var listings = await db.PartnerListings.AsNoTracking()
            .Where(l => itemIds.Contains(l.MarketplaceItemId))
            .Join(db.PartnerAccounts, l => l.PartnerId, p => p.Id, (l, p) => new { Listing = l, p.TenantId })
            .ToDictionaryAsync(x => x.Listing.MarketplaceItemId, ct);
        if (listings.Count == 0) return () => { };

        var tenants = listings.Values.Select(x => (x.Listing.PartnerId, x.TenantId)).Distinct().ToDictionary();
        var now = clock.GetUtcNow().UtcDateTime;
        List<PartnerEarning> earnings = [];
        List<AuditEvent> audits = [];
        foreach (var invoice in invoices)
        {
            var lines = invoice.Lines
                .Where(l => l.MarketplaceItemId is { } id && listings.ContainsKey(id))
                .Select(l => new EarningLine(listings[l.MarketplaceItemId!.Value].Listing.PartnerId, listings[l.MarketplaceItemId.Value].Listing.Rule, l.Amount, l.Quantity));
            foreach (var share in CommissionCalculator.ForInvoice(lines))
            {
                var earning = new PartnerEarning
                {
                    Id = ids.NewId(), PartnerId = share.PartnerId, InvoiceId = invoice.Id, Kind = EntryKind.Accrual, Currency = invoice.Currency,
                    GrossAmount = share.Gross, CommissionAmount = share.Commission, PartnerNet = share.Net,
                    PayableAt = now.AddDays(options.Value.HoldDays), CreatedAt = now,
                };
                earnings.Add(earning);
                audits.Add(audit.New(AuditActions.PartnerEarningAccrued, nameof(PartnerEarning), earning.Id, tenants[share.PartnerId], new
                {
                    earning.PartnerId, earning.InvoiceId, earning.Currency, earning.GrossAmount, earning.CommissionAmount, earning.PartnerNet, earning.PayableAt,
                }));
            }
        }
        return () =>
        {
            db.PartnerEarnings.AddRange(earnings);
            db.AuditEvents.AddRange(audits);
        };
    }

    public async Task ReverseAsync(Invoice invoice, InvoiceRefund refund, CancellationToken ct)
    {
        var originals = await db.PartnerEarnings.AsNoTracking()
            .Where(e => e.InvoiceId == invoice.Id && e.Kind == EntryKind.Accrual)
            .Join(db.PartnerAccounts, e => e.PartnerId, p => p.Id, (e, p) => new { Earning = e, p.TenantId })
            .ToListAsync(ct);
        var before = refund.CumulativeRefunded - refund.Amount;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (original, tenantId) in originals.Select(x => (x.Earning, x.TenantId)))
        {
            var gross = Reversals.Share(original.GrossAmount, invoice.Total, before, refund.CumulativeRefunded);
            var commission = Reversals.Share(original.CommissionAmount, invoice.Total, before, refund.CumulativeRefunded);
            if (gross == 0 && commission == 0) continue;

            // A reversal recovers money at once, whether or not the original was paid out; money that came
            // back (a dispute won, a refund failed) is paid no sooner than the original would have been.
            var payableAt = gross < 0 && original.PayableAt > now ? original.PayableAt : now;
            var reversal = new PartnerEarning
            {
                Id = ids.NewId(), PartnerId = original.PartnerId, InvoiceId = invoice.Id, Kind = EntryKind.Reversal,
                ReversesEarningId = original.Id, RefundId = refund.Id, Currency = original.Currency,
                GrossAmount = -gross, CommissionAmount = -commission, PartnerNet = -(gross - commission),
                PayableAt = payableAt, CreatedAt = now,
            };
            db.PartnerEarnings.Add(reversal);
            audit.Record(AuditActions.PartnerEarningReversed, nameof(PartnerEarning), reversal.Id, tenantId, new
            {
                reversal.PartnerId, reversal.InvoiceId, reversal.Currency, reversal.GrossAmount, reversal.CommissionAmount, reversal.PartnerNet,
                reversesEarningId = original.Id, refundId = refund.Id,
            });
        }
    }
}
