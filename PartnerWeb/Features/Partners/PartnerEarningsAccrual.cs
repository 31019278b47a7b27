using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// A paid invoice's lines whose items are listed earn for the listing's partner, under the
/// listing's rule at accrual time, whatever the listing's or partner's status. One earning per
/// partner per invoice (also a unique index).
/// </summary>
public sealed class PartnerEarningsAccrual(AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock) : IAccrual
{
    public AccrualKind Kind => AccrualKind.Partner;

    public async Task AccrueAsync(Invoice invoice, CancellationToken ct)
    {
        var itemIds = invoice.Lines.Where(l => l.MarketplaceItemId != null).Select(l => l.MarketplaceItemId!.Value).Distinct().ToList();
        if (itemIds.Count == 0) return;
        var listings = await db.PartnerListings.AsNoTracking()
            .Where(l => itemIds.Contains(l.MarketplaceItemId))
            .Join(db.PartnerAccounts, l => l.PartnerId, p => p.Id, (l, p) => new { Listing = l, p.TenantId })
            .ToDictionaryAsync(x => x.Listing.MarketplaceItemId, ct);

        var lines = invoice.Lines
            .Where(l => l.MarketplaceItemId is { } id && listings.ContainsKey(id))
            .Select(l => new EarningLine(listings[l.MarketplaceItemId!.Value].Listing.PartnerId, listings[l.MarketplaceItemId.Value].Listing.Rule, l.Amount, l.Quantity));
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var share in CommissionCalculator.ForInvoice(lines))
        {
            var earning = new PartnerEarning
            {
                Id = ids.NewId(), PartnerId = share.PartnerId, InvoiceId = invoice.Id, Currency = invoice.Currency,
                GrossAmount = share.Gross, CommissionAmount = share.Commission, PartnerNet = share.Net, CreatedAt = now,
            };
            db.PartnerEarnings.Add(earning);
            var tenantId = listings.Values.First(x => x.Listing.PartnerId == share.PartnerId).TenantId;
            audit.Record(AuditActions.PartnerEarningAccrued, nameof(PartnerEarning), earning.Id, tenantId, new
            {
                earning.PartnerId, earning.InvoiceId, earning.Currency, earning.GrossAmount, earning.CommissionAmount, earning.PartnerNet,
            });
        }
    }
}
