namespace PartnerWeb.Domain;

public enum ItemType
{
    Template,
    Addon,
    Service,
}

public enum ItemStatus
{
    Active,
}

public sealed class MarketplaceItem : IKeyset
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public ItemType Type { get; set; }
    public string? Description { get; set; }

    /// <summary>Minor units of <see cref="Currency"/>.</summary>
    public long Price { get; set; }

    public required string Currency { get; set; }
    public Guid PublisherTenantId { get; init; }
    public ItemStatus Status { get; set; }
    public DateTime CreatedAt { get; init; }
}

public enum InstallStatus
{
    Active,
}

public sealed class MarketplaceInstall : IKeyset
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid MarketplaceItemId { get; init; }
    public Guid InvoiceId { get; init; }
    public InstallStatus Status { get; set; }
    public DateTime CreatedAt { get; init; }
}
