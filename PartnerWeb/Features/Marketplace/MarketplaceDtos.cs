using System.ComponentModel.DataAnnotations;
using PartnerWeb.Domain;
using PartnerWeb.Features.Billing;

namespace PartnerWeb.Features.Marketplace;

public sealed class CreateItemRequest
{
    [Required, StringLength(200)]
    public string? Name { get; init; }

    [Required]
    public ItemType? Type { get; init; }

    /// <summary>Minor units (cents), at most <see cref="Amounts.MaxPrice"/>.</summary>
    [Required, Range(0, Amounts.MaxPrice)]
    public long? Price { get; init; }

    [Required, StringLength(3, MinimumLength = 3)]
    public string? Currency { get; init; }

    [StringLength(2000)]
    public string? Description { get; init; }
}

public sealed record ItemDto(
    Guid Id, string Name, ItemType Type, string? Description, long Price, string Currency,
    Guid PublisherTenantId, ItemStatus Status, DateTime CreatedAt)
{
    public static ItemDto From(MarketplaceItem i) =>
        new(i.Id, i.Name, i.Type, i.Description, i.Price, i.Currency, i.PublisherTenantId, i.Status, i.CreatedAt);
}

public sealed record InstallDto(Guid Id, Guid TenantId, Guid MarketplaceItemId, Guid InvoiceId, InstallStatus Status, DateTime CreatedAt)
{
    public static InstallDto From(MarketplaceInstall i) => new(i.Id, i.TenantId, i.MarketplaceItemId, i.InvoiceId, i.Status, i.CreatedAt);
}

public sealed record InstallResult(InstallDto Install, InvoiceDto Invoice);
