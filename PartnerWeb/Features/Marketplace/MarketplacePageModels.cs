using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Marketplace;

/// <summary>One item of /marketplace with the name of the tenant that publishes it.</summary>
public sealed record ItemRowModel(ItemDto Item, string Publisher)
{
    public const string PlatformPublisher = "Platform";

    public string Price => MoneyFormat.Format(Item.Price, Item.Currency);

    public string Type => Item.Type switch
    {
        ItemType.Addon => "Add-on",
        _ => Item.Type.ToString(),
    };

    public string BuyUrl => $"/marketplace/items/{Item.Id}/buy";

    public string Confirmation => $"Buy {Item.Name} for {Price}? An open invoice for it is created.";
}

/// <summary>One install of the caller's tenant and the invoice it opened.</summary>
public sealed record InstallRowModel(InstallDto Install, string ItemName, string? InvoiceNumber)
{
    public string InvoiceUrl => $"/billing/invoices/{Install.InvoiceId}";
}

/// <summary>The "Your installs" part of the page.</summary>
public sealed record InstallsModel(IReadOnlyList<InstallRowModel> Rows, bool HasMore);

/// <summary>
/// The /marketplace section: items, whether the signed-in user may buy (the install endpoint's own policy),
/// the tenant's installs, and the refusal of the last purchase, if any.
/// </summary>
public sealed record MarketplaceModel(IReadOnlyList<ItemRowModel> Items, bool HasMoreItems, bool MayBuy, InstallsModel Installs, string? Error);
