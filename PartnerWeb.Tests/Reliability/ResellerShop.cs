using System.Net;
using System.Net.Http.Json;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>An item sold to the reseller's child tenant, listed at 30 %, the reseller's margin 10 %: what each of its invoices must accrue.</summary>
public sealed record Sale(string Name, string Currency, long Price, long Commission, long Net, long ResellerCommission)
{
    public static readonly Sale CrmAddOn = new("Acme CRM Add-on", "USD", 12900, 3870, 9030, 1290);
    public static readonly Sale EuroAddOn = new("Acme CRM Add-on (EUR)", "EUR", 11900, 3570, 8330, 1190);
    public static readonly Sale PoundAddOn = new("Acme CRM Add-on (GBP)", "GBP", 9999, 3000, 6999, 1000);
}

/// <summary>Acme as an approved partner with each sale's item listed, and a child tenant of Umbrella whose owner buys.</summary>
public sealed record Shop(Guid PartnerId, string AdminToken, string BuyerToken, IReadOnlyDictionary<string, Guid> Items)
{
    /// <summary>
    /// Through an app process's API: Acme applies and the platform admin approves it and lists each item
    /// for it at 30 % (Acme publishes the items the demo data lacks); Umbrella (a reseller at 10 %)
    /// creates the child tenant <paramref name="child"/>, whose owner is the buyer.
    /// </summary>
    public static async Task<Shop> SetUpAsync(AppProcess app, string adminToken, IEnumerable<Sale> sales, string child, string buyerEmail)
    {
        using var admin = app.Client(adminToken);
        using var acme = app.Client(await app.TokenAsync(Demo.AcmeOwner));
        using var umbrella = app.Client(await app.TokenAsync(Demo.UmbrellaOwner));

        var applied = await (await acme.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName = "Acme Templates", contactEmail = "partners@acme.example", country = "US",
            payoutPreferences = new { method = "bank_transfer", accountHolder = "Shop Ltd", iban = "GB82 WEST 1234 5698 7654 32" },
        })).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = applied.GetProperty("id").GetGuid();
        await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);

        var catalogue = await (await admin.GetAsync("/api/marketplace/items?limit=200")).AssertJsonAsync(HttpStatusCode.OK);
        var items = new Dictionary<string, Guid>();
        foreach (var sale in sales)
        {
            var existing = catalogue.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("name").GetString() == sale.Name).ToList();
            var itemId = existing.Count == 1
                ? existing[0].GetProperty("id").GetGuid()
                : (await (await acme.PostAsJsonAsync("/api/marketplace/items", new { name = sale.Name, type = "addon", price = sale.Price, currency = sale.Currency }))
                    .AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/listings", new { marketplaceItemId = itemId, commissionType = "percent", commissionValue = 30 }))
                .AssertJsonAsync(HttpStatusCode.Created);
            items.Add(sale.Name, itemId);
        }

        var (_, buyerToken) = await Flows.ChildTenantAsync(umbrella, app.Http, child, buyerEmail);
        return new Shop(partnerId, adminToken, buyerToken, items);
    }

    /// <summary>Each earning is the partner's, as the sale of its invoice says; each reseller commission too.</summary>
    public void AssertEntriesAsSold(
        IReadOnlyDictionary<Guid, Sale> invoices,
        IEnumerable<(Guid InvoiceId, Guid PartnerId, string Currency, long Gross, long Commission, long Net)> earnings,
        IEnumerable<(Guid InvoiceId, string Currency, long Amount)> commissions)
    {
        foreach (var earning in earnings)
        {
            var sale = invoices[earning.InvoiceId];
            Assert.Equal(PartnerId, earning.PartnerId);
            Assert.Equal((sale.Currency, sale.Price, sale.Commission, sale.Net), (earning.Currency, earning.Gross, earning.Commission, earning.Net));
        }
        Assert.All(commissions, c => Assert.Equal((invoices[c.InvoiceId].Currency, invoices[c.InvoiceId].ResellerCommission), (c.Currency, c.Amount)));
    }
}
