using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Marketplace;

public sealed class MarketplaceService(
    AppDbContext db, CurrentUser currentUser, AuditLog audit, IdGenerator ids, TimeProvider clock)
{
    public Task<Page<ItemDto>> ListItemsAsync(PageRequest page, CancellationToken ct) =>
        db.MarketplaceItems.AsNoTracking().ToPageAsync(page, ItemDto.From, ct);

    /// <summary>Platform admins publish for the platform; owner/admin of an approved partner for their own tenant.</summary>
    public async Task<Result<ItemDto>> CreateItemAsync(CreateItemRequest request, CancellationToken ct)
    {
        var user = currentUser.Required;
        if (!user.IsPlatformAdmin && !await db.PartnerAccounts.AnyAsync(p => p.TenantId == user.TenantId && p.Status == PartnerStatus.Approved, ct))
            return AppError.Forbidden("Only platform admins and approved partners publish items.");
        if (!Currencies.TryNormalize(request.Currency, out var currency))
            return AppError.Validation("currency", Currencies.Refusal);
        if (!TextSafety.TryNormalizeName(request.Name, out var name)) return AppError.Validation("name", TextSafety.NameRefusal("name"));

        var item = new MarketplaceItem
        {
            Id = ids.NewId(),
            Name = name,
            Type = request.Type!.Value,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            Price = request.Price!.Value,
            Currency = currency,
            PublisherTenantId = user.TenantId,
            Status = ItemStatus.Active,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.MarketplaceItems.Add(item);
        audit.Record(AuditActions.MarketplaceItemCreated, nameof(MarketplaceItem), item.Id, item.PublisherTenantId,
            new { item.Name, type = item.Type.ToString(), item.Price, item.Currency });
        await db.SaveChangesAsync(ct);
        return ItemDto.From(item);
    }

    /// <summary>Records the install and its open invoice for the item's price, in one transaction.</summary>
    public async Task<Result<InstallResult>> InstallAsync(Guid itemId, CancellationToken ct)
    {
        var user = currentUser.Required;
        var item = await db.MarketplaceItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return AppError.NotFound("Marketplace item");
        if (await db.PartnerListings.AnyAsync(l => l.MarketplaceItemId == itemId && l.Status == ListingStatus.Paused, ct))
            return AppError.Conflict("This item's partner listing is paused; it cannot be installed now.");
        // Suspension means stop: a suspended (or rejected) partner's items do not sell, whatever their listings say.
        var stopped = await db.PartnerListings.Where(l => l.MarketplaceItemId == itemId)
            .Join(db.PartnerAccounts, l => l.PartnerId, p => p.Id, (l, p) => p.Status)
            .Where(s => s == PartnerStatus.Suspended || s == PartnerStatus.Rejected)
            .Select(s => (PartnerStatus?)s).FirstOrDefaultAsync(ct);
        if (stopped is { } status)
            return AppError.Conflict($"This item's partner is {StateMachine<PartnerStatus>.Words(status)}; it cannot be installed now.");

        var now = clock.GetUtcNow().UtcDateTime;
        var invoiceId = ids.NewId();
        var invoice = new Invoice
        {
            Id = invoiceId,
            TenantId = user.TenantId,
            Number = Invoice.NumberFor(invoiceId, now),
            Status = InvoiceStatus.Open,
            Currency = item.Currency,
            Total = item.Price,
            CreatedAt = now,
            Lines = [new InvoiceLine
            {
                Id = ids.NewId(), InvoiceId = invoiceId, MarketplaceItemId = item.Id,
                Description = item.Name, Quantity = 1, UnitAmount = item.Price, Amount = item.Price,
            }],
        };
        var install = new MarketplaceInstall
        {
            Id = ids.NewId(), TenantId = user.TenantId, MarketplaceItemId = item.Id, InvoiceId = invoiceId,
            Status = InstallStatus.Active, CreatedAt = now,
        };
        db.Invoices.Add(invoice);
        db.MarketplaceInstalls.Add(install);
        audit.Record(AuditActions.InvoiceCreated, nameof(Invoice), invoice.Id, invoice.TenantId,
            new { invoice.Number, invoice.Total, invoice.Currency });
        audit.Record(AuditActions.MarketplaceItemInstalled, nameof(MarketplaceInstall), install.Id, install.TenantId,
            new { marketplaceItemId = item.Id, invoiceId });
        await db.SaveChangesAsync(ct);
        return new InstallResult(InstallDto.From(install), InvoiceDto.From(invoice));
    }

    public Task<Page<InstallDto>> ListInstallsAsync(PageRequest page, CancellationToken ct)
    {
        var tenantId = currentUser.Required.TenantId;
        return db.MarketplaceInstalls.AsNoTracking().Where(i => i.TenantId == tenantId).ToPageAsync(page, InstallDto.From, ct);
    }
}
