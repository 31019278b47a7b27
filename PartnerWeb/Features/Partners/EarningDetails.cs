using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// What a page of entries needs to be read by people: the invoice number, the items sold and why a
/// reversal exists. Three set-based look-ups per batch (invoices, lines of the partner's listings,
/// refunds), never one per entry; the API, the dashboard and the CSV statements all use it.
/// </summary>
public sealed class EarningDetails(AppDbContext db)
{
    /// <summary>Between two item names in one entry (a comma would make CSV readers quote the field).</summary>
    public const string ItemSeparator = "; ";

    public async Task<IReadOnlyList<EarningDto>> DescribeAsync(IReadOnlyList<EarningDto> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return entries;
        var invoiceIds = entries.Where(e => e.InvoiceId is not null).Select(e => e.InvoiceId!.Value).Distinct().ToList();
        var partnerIds = entries.Select(e => e.PartnerId).Distinct().ToList();
        var refundIds = entries.Where(e => e.RefundId is not null).Select(e => e.RefundId!.Value).Distinct().ToList();

        var numbers = invoiceIds.Count == 0 ? [] : await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id))
            .Select(i => new { i.Id, i.Number }).ToDictionaryAsync(i => i.Id, i => i.Number, ct);
        // The lines whose items the entry's partner lists: what earned it (listings are never deleted, an item has one).
        var lines = invoiceIds.Count == 0 ? [] : await db.InvoiceLines.AsNoTracking()
            .Where(l => invoiceIds.Contains(l.InvoiceId))
            .Join(db.PartnerListings.Where(p => partnerIds.Contains(p.PartnerId)), l => l.MarketplaceItemId, p => (Guid?)p.MarketplaceItemId,
                (l, p) => new { l.InvoiceId, p.PartnerId, l.Id, l.Description })
            .ToListAsync(ct);
        var items = lines.GroupBy(l => (l.InvoiceId, l.PartnerId))
            .ToDictionary(g => g.Key, g => string.Join(ItemSeparator, g.OrderBy(l => l.Id).Select(l => l.Description).Distinct()));
        var refunds = refundIds.Count == 0 ? [] : await db.InvoiceRefunds.AsNoTracking().Where(r => refundIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Source, r.Amount }).ToDictionaryAsync(r => r.Id, r => InvoiceRefund.ReasonOf(r.Source, r.Amount), ct);

        return entries.Select(e => e with
        {
            InvoiceNumber = e.InvoiceId is { } invoice ? numbers.GetValueOrDefault(invoice) : null,
            Item = e.InvoiceId is { } id ? items.GetValueOrDefault((id, e.PartnerId)) : null,
            Reason = e.RefundId is { } refund && refunds.TryGetValue(refund, out var reason) ? reason : e.Reason,
        }).ToList();
    }
}
