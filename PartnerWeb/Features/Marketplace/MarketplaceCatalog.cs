using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Marketplace;

/// <summary>
/// What /marketplace shows: the lists come from <see cref="MarketplaceService"/>, as the API's do; this only adds
/// the names a person reads (publisher, item, invoice number) in place of ids.
/// </summary>
public sealed class MarketplaceCatalog(MarketplaceService marketplace, AppDbContext db, CurrentUser currentUser)
{
    /// <summary>A page shows this many items and installs; the API pages through the rest.</summary>
    public const int Shown = PageQuery.MaxLimit;

    public async Task<MarketplaceModel> ModelAsync(bool mayBuy, string? error, CancellationToken ct)
    {
        var items = await marketplace.ListItemsAsync(new PageRequest(Shown, null), ct);
        var installs = await marketplace.ListInstallsAsync(new PageRequest(Shown, null), ct);

        var publisherIds = items.Items.Select(i => i.PublisherTenantId).Distinct().ToList();
        var publishers = await db.Tenants.AsNoTracking().Where(t => publisherIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.IsPlatform ? ItemRowModel.PlatformPublisher : t.Name, ct);

        var itemIds = installs.Items.Select(i => i.MarketplaceItemId).Distinct().ToList();
        var itemNames = await db.MarketplaceItems.AsNoTracking().Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var tenantId = currentUser.Required.TenantId;
        var invoiceIds = installs.Items.Select(i => i.InvoiceId).ToList();
        var numbers = await db.Invoices.AsNoTracking().Where(i => i.TenantId == tenantId && invoiceIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.Number, ct);

        var itemRows = items.Items.Select(i => new ItemRowModel(i, publishers.GetValueOrDefault(i.PublisherTenantId, "Unknown"))).ToList();
        var installRows = installs.Items.Select(i => new InstallRowModel(
            i, itemNames.GetValueOrDefault(i.MarketplaceItemId, "Removed item"), numbers.GetValueOrDefault(i.InvoiceId))).ToList();
        return new MarketplaceModel(itemRows, items.HasMore, mayBuy, new InstallsModel(installRows, installs.HasMore), error);
    }
}
