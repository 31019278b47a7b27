using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>A customer buys from the marketplace on a phone-sized screen and lands on the new invoice.</summary>
public sealed class MarketplaceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task At_390_px_the_owner_confirms_a_purchase_and_lands_on_the_open_invoice()
    {
        var itemId = await Flows.ItemIdAsync(browser.App, "Starter Landing Template");
        var page = await browser.SignInAsync(Demo.GlobexOwner, width: 390, height: 844);

        await page.ClickAsync("nav a:has-text('Marketplace')");
        await page.WaitForPageAsync("**/marketplace");
        var row = page.Locator($"#item-{itemId}");
        await Assertions.Expect(row.Locator(".price")).ToHaveTextAsync("$49.00");
        await Assertions.Expect(row.Locator(".publisher")).ToHaveTextAsync("Platform");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "/marketplace scrolls sideways at 390 px");
        await AssertFitsTheWidthAsync(page);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("marketplace-mobile.png"), FullPage = true });

        // The first answer is "no": nothing is bought and the page stays.
        string? asked = null;
        void Dismiss(object? _, IDialog dialog) { asked = dialog.Message; dialog.DismissAsync(); }
        page.Dialog += Dismiss;
        await row.Locator("button:has-text('Buy')").ClickAsync();
        await page.WaitForTimeoutAsync(500);
        page.Dialog -= Dismiss;
        Assert.Equal("Buy Starter Landing Template for $49.00? An open invoice for it is created.", asked);
        Assert.EndsWith("/marketplace", page.Url);
        Assert.Equal(0, await Flows.QueryAsync(browser.App, db => db.MarketplaceInstalls.CountAsync()));

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await row.Locator("button:has-text('Buy')").ClickAsync();
        await page.WaitForPageAsync("**/billing/invoices/*");
        var invoiceId = await Flows.QueryAsync(browser.App, db => db.MarketplaceInstalls.Where(i => i.MarketplaceItemId == itemId).Select(i => i.InvoiceId).SingleAsync());
        Assert.EndsWith($"/billing/invoices/{invoiceId}", page.Url);
        await Assertions.Expect(page.Locator("#invoice .badge")).ToHaveTextAsync("open");
        await Assertions.Expect(page.Locator("#invoice-total")).ToHaveTextAsync("$49.00");
        await AssertFitsTheWidthAsync(page);

        await page.GotoAsync("/marketplace");
        await Assertions.Expect(page.Locator($"#installs a[href='/billing/invoices/{invoiceId}']")).ToBeVisibleAsync();
        await AssertFitsTheWidthAsync(page);
        browser.AssertNothingBlocked();
    }
}
