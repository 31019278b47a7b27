using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The customer's /marketplace: browse, buy through the install service, and the tenant's installs.</summary>
public sealed class MarketplacePageTests(UnlimitedPartnerWritesFactory app) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private const string CrmAddOn = "Acme CRM Add-on";
    private const string Template = "Starter Landing Template";

    private static string BuyForm(Guid itemId) => $"action=\"/marketplace/items/{itemId}/buy\"";

    private static async Task<HttpResponseMessage> BuyAsync(HttpClient browser, Guid itemId, bool htmx = false)
    {
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/marketplace");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/marketplace/items/{itemId}/buy")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        if (htmx) request.Headers.Add("HX-Request", "true");
        return await browser.SendAsync(request);
    }

    private Task<int> InstallCountAsync() => Flows.QueryAsync(app, db => db.MarketplaceInstalls.CountAsync());

    [Fact]
    public async Task The_list_shows_each_item_with_its_type_publisher_and_price_and_the_nav_links_to_it()
    {
        var (crm, template) = (await Flows.ItemIdAsync(app, CrmAddOn), await Flows.ItemIdAsync(app, Template));
        using var owner = await BillingPages.BrowserAsAsync(app, Demo.GlobexOwner);

        var page = await owner.GetStringAsync("/marketplace");

        Assert.Contains("<a href=\"/marketplace\">Marketplace</a>", page);
        Assert.Matches($"id=\"item-{crm}\"[\\s\\S]*?{CrmAddOn}[\\s\\S]*?>Add-on<[\\s\\S]*?class=\"publisher\">Acme Templates<[\\s\\S]*?\\$129\\.00", page);
        Assert.Matches($"id=\"item-{template}\"[\\s\\S]*?{Template}[\\s\\S]*?>Template<[\\s\\S]*?class=\"publisher\">Platform<[\\s\\S]*?\\$49\\.00", page);
        Assert.Contains(BuyForm(crm), page);
        Assert.Contains("hx-confirm=\"Buy Acme CRM Add-on for $129.00? An open invoice for it is created.\"", page);
        Assert.Contains("hx-disabled-elt=\"find button\"", page);

        var fragment = await BillingPages.FragmentAsync(owner, "/marketplace");
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains("id=\"marketplace\"", fragment);

        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        var signedOut = await anonymous.GetAsync("/marketplace");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fmarketplace", signedOut.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_owner_buys_an_item_and_is_sent_303_to_its_new_open_invoice_which_the_installs_list_links()
    {
        var itemId = await Flows.ItemIdAsync(app, Template);
        using var owner = await BillingPages.BrowserAsAsync(app, Demo.GlobexOwner);

        var response = await BuyAsync(owner, itemId);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Matches("^/billing/invoices/[0-9a-f-]{36}$", location);
        var invoiceId = Guid.Parse(location["/billing/invoices/".Length..]);
        var (invoice, globex, install) = await Flows.QueryAsync(app, async db => (
            await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Id == invoiceId),
            await db.Tenants.SingleAsync(t => t.Name == "Globex"),
            await db.MarketplaceInstalls.SingleAsync(i => i.InvoiceId == invoiceId)));
        Assert.Equal((globex.Id, InvoiceStatus.Open, 4900L, "USD"), (invoice.TenantId, invoice.Status, invoice.Total, invoice.Currency));
        Assert.Equal(itemId, Assert.Single(invoice.Lines).MarketplaceItemId);
        Assert.Equal((globex.Id, itemId), (install.TenantId, install.MarketplaceItemId));
        Assert.Contains(invoice.Number, await owner.GetStringAsync(location));

        var installs = await owner.GetStringAsync("/marketplace");
        Assert.Matches($"id=\"install-{install.Id}\"[\\s\\S]*?{Template}[\\s\\S]*?href=\"/billing/invoices/{invoiceId}\">{invoice.Number}<", installs);

        // htmx cannot show a followed redirect as a new page: it is told where to go instead.
        var viaHtmx = await BuyAsync(owner, itemId, htmx: true);
        Assert.Equal(HttpStatusCode.NoContent, viaHtmx.StatusCode);
        var hxRedirect = viaHtmx.Headers.GetValues("HX-Redirect").Single();
        var second = Guid.Parse(hxRedirect["/billing/invoices/".Length..]);
        Assert.Equal(globex.Id, await Flows.QueryAsync(app, db => db.Invoices.Where(i => i.Id == second).Select(i => i.TenantId).SingleAsync()));
    }

    [Fact]
    public async Task Staff_see_the_list_without_a_Buy_button_and_a_post_anyway_is_forbidden()
    {
        var itemId = await Flows.ItemIdAsync(app, Template);
        using var staff = await BillingPages.BrowserAsAsync(app, Demo.GlobexStaff);

        var page = await staff.GetStringAsync("/marketplace");
        Assert.Contains(Template, page);
        Assert.Contains("$49.00", page);
        Assert.DoesNotContain("buy-form", page);
        Assert.DoesNotContain(BuyForm(itemId), page);
        Assert.Contains("An owner or admin of your organisation can buy items.", page);

        var before = await InstallCountAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await BuyAsync(staff, itemId)).StatusCode);
        Assert.Equal(before, await InstallCountAsync());
    }

    [Fact]
    public async Task Another_tenants_installs_are_not_shown()
    {
        using var acmeApi = await app.ClientAsAsync(Demo.AcmeOwner);
        var acmeInvoice = await Flows.InstallAsync(acmeApi, await Flows.ItemIdAsync(app, Template));
        var acmeInstall = await Flows.QueryAsync(app, db => db.MarketplaceInstalls.Where(i => i.InvoiceId == acmeInvoice).Select(i => i.Id).SingleAsync());
        using var acme = await BillingPages.BrowserAsAsync(app, Demo.AcmeOwner);
        using var globex = await BillingPages.BrowserAsAsync(app, Demo.GlobexOwner);

        Assert.Contains($"id=\"install-{acmeInstall}\"", await acme.GetStringAsync("/marketplace"));
        var globexPage = await globex.GetStringAsync("/marketplace");
        Assert.DoesNotContain(acmeInstall.ToString(), globexPage);
        Assert.DoesNotContain(acmeInvoice.ToString(), globexPage);
    }

    [Fact]
    public async Task A_refused_install_is_a_readable_message_on_the_page_and_writes_nothing()
    {
        var partnerId = await app.AcmePartnerAsync();
        using var admin = await app.ClientAsAsync(Demo.PlatformAdmin);
        var listing = (await (await admin.GetAsync($"/api/partners/{partnerId}/listings")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items")[0];
        var (listingUrl, itemId) = ($"/api/partners/{partnerId}/listings/{listing.GetProperty("id").GetGuid()}", listing.GetProperty("marketplaceItemId").GetGuid());
        using var owner = await BillingPages.BrowserAsAsync(app, Demo.GlobexOwner);
        const string Paused = "This item&#x27;s partner listing is paused; it cannot be installed now.";

        await (await admin.PatchAsJsonAsync(listingUrl, new { status = "paused" })).AssertJsonAsync(HttpStatusCode.OK);
        var before = await InstallCountAsync();
        HttpResponseMessage plain, htmx;
        try
        {
            plain = await BuyAsync(owner, itemId);
            htmx = await BuyAsync(owner, itemId, htmx: true);
        }
        finally
        {
            await (await admin.PatchAsJsonAsync(listingUrl, new { status = "active" })).AssertJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(HttpStatusCode.Conflict, plain.StatusCode);
        var page = await plain.Content.ReadAsStringAsync();
        Assert.Contains("<html", page);
        Assert.Contains($"<p class=\"error\" role=\"alert\">{Paused}</p>", page);
        Assert.Contains(BuyForm(itemId), page);
        Assert.Equal(HttpStatusCode.Conflict, htmx.StatusCode);
        var fragment = await htmx.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains(Paused, fragment);
        Assert.All(new[] { page, fragment }, html => Assert.DoesNotContain("\"title\"", html));
        Assert.Equal(before, await InstallCountAsync());

        var missing = await BuyAsync(owner, Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Marketplace item was not found.", await missing.Content.ReadAsStringAsync());
    }
}
