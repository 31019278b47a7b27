using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>
/// Issue 18, the partner's side in Chromium: publishing an item and listing it, payout details per method, refused
/// input kept beside its field, the earnings filter in the address bar, and every page at 390 px.
/// </summary>
public sealed class PartnerFormsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly Dictionary<BrowserFixture, Guid> Partners = new();

    /// <summary>Acme as an approved partner with one sale of its listed add-on today, made once per app.</summary>
    private async Task<Guid> AcmeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (Partners.TryGetValue(browser, out var known)) return known;
            var partnerId = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.AcmeOwner);
            using var admin = await browser.App.ClientAsAsync(Demo.PlatformAdmin);
            var itemId = await Flows.ItemIdAsync(browser.App, "Acme CRM Add-on");
            await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
            await PartnerFlows.SellAsync(browser.App, itemId, partnerId);
            return Partners[browser] = partnerId;
        }
        finally
        {
            Once.Release();
        }
    }

    [Fact]
    public async Task The_partner_publishes_an_item_and_lists_it_after_a_refused_price_kept_beside_its_field()
    {
        await AcmeAsync();
        var page = await browser.SignInAsync(Demo.AcmeOwner);
        await page.GotoAsync("/dashboard/partners");
        await page.EvaluateAsync("window.__noReload = true");
        var publish = page.Locator("#publish");
        await page.FillAsync("#PublishName", "Browser Kit");
        await page.SelectOptionAsync("#PublishType", "template");
        await page.FillAsync("#PublishPrice", "abc");
        await page.FillAsync("#PublishCurrency", "EUR");
        await publish.Locator("button:has-text('Publish')").ClickAsync();
        await Assertions.Expect(page.Locator("#PublishPrice + .field-error")).ToHaveTextAsync("price must be a number such as 49.00, with a dot for decimals.");
        await Assertions.Expect(page.Locator("#PublishPrice")).ToHaveValueAsync("abc");
        await Assertions.Expect(page.Locator("#PublishName")).ToHaveValueAsync("Browser Kit");
        await Assertions.Expect(page.Locator("#PublishCurrency")).ToHaveValueAsync("EUR");
        await Assertions.Expect(page.Locator("#listings")).ToBeVisibleAsync();

        await page.FillAsync("#PublishPrice", "49.00");
        await publish.Locator("button:has-text('Publish')").ClickAsync();
        await Assertions.Expect(publish.Locator(".state-note")).ToContainTextAsync("Published “Browser Kit” at €49.00");
        await Assertions.Expect(page.Locator("#PublishName")).ToHaveValueAsync("");
        // The listings card refreshed itself: the picker offers the new item.
        var picker = page.Locator("#listings select[name=marketplaceItemId]");
        await Assertions.Expect(picker.Locator("option", new() { HasText = "Browser Kit (€49.00)" })).ToHaveCountAsync(1);
        await picker.SelectOptionAsync(new SelectOptionValue { Label = "Browser Kit (€49.00)" });
        await page.Locator("#listings button:has-text('Create listing')").ClickAsync();
        await Assertions.Expect(page.Locator("#listings tbody tr", new() { HasText = "Browser Kit" })).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("window.__noReload === true"), "publishing and listing must swap fragments, not reload the page");
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task The_partner_changes_payouts_to_PayPal_and_back_to_bank_transfer_after_a_refused_IBAN()
    {
        await AcmeAsync();
        var page = await browser.SignInAsync(Demo.AcmeOwner);
        await page.GotoAsync("/dashboard/partners");
        var card = page.Locator("#partner-profile");
        await card.Locator("summary").ClickAsync();
        // Choosing a method shows its fields only (CSS, no script).
        await card.Locator("#profile-method-paypal").CheckAsync();
        await Assertions.Expect(page.Locator("#ProfilePayPalEmail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ProfileIban")).ToBeHiddenAsync();
        await page.FillAsync("#ProfilePayPalEmail", "pay@acme.example");
        await card.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card.Locator(".state-note")).ToHaveTextAsync("Saved.");
        await Assertions.Expect(card.Locator("dd").Nth(1)).ToHaveTextAsync("PayPal");
        await Assertions.Expect(card.Locator("dd", new() { HasText = "pay@acme.example" })).ToHaveCountAsync(1);

        await card.Locator("summary").ClickAsync();
        await card.Locator("#profile-method-bank_transfer").CheckAsync();
        await Assertions.Expect(page.Locator("#ProfilePayPalEmail")).ToBeHiddenAsync();
        await page.FillAsync("#ProfileAccountHolder", "Acme Templates Ltd");
        await page.FillAsync("#ProfileIban", "DE89 3704 0044 0532 0130 01");
        await card.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#ProfileIban ~ .field-error")).ToContainTextAsync("iban must be a valid IBAN");
        await Assertions.Expect(page.Locator("#ProfileIban")).ToHaveValueAsync("DE89 3704 0044 0532 0130 01");
        await Assertions.Expect(page.Locator("#ProfileIban")).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("dd").Nth(1)).ToHaveTextAsync("PayPal");

        await page.FillAsync("#ProfileIban", "DE89 3704 0044 0532 0130 00");
        await card.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card.Locator(".state-note")).ToHaveTextAsync("Saved.");
        await Assertions.Expect(card.Locator("dd").Nth(1)).ToHaveTextAsync("Bank transfer");
        await Assertions.Expect(card.Locator("dd.mono")).ToHaveTextAsync("ending in 3000");
        Assert.DoesNotContain("DE89370400440532013000", await card.InnerHTMLAsync());
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("partner-forms.png"), FullPage = true });
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task The_earnings_filter_lives_in_the_address_bar_and_survives_a_reload()
    {
        var partnerId = await AcmeAsync();
        var today = DateTime.UtcNow.Date;
        var (from, to) = (today.AddDays(-7).ToString("yyyy-MM-dd"), today.ToString("yyyy-MM-dd"));
        var page = await browser.SignInAsync(Demo.AcmeOwner);
        await page.GotoAsync("/dashboard/partners");
        await page.FillAsync("#earnings-filter input[name=from]", from);
        await page.FillAsync("#earnings-filter input[name=to]", to);
        await page.ClickAsync("#earnings-filter button");
        await page.WaitForPageAsync($"**/dashboard/partners?from={from}&to={to}");
        await Assertions.Expect(page.Locator("#earnings .earning-row")).ToHaveCountAsync(1);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#earnings-filter input[name=from]")).ToHaveValueAsync(from);
        await Assertions.Expect(page.Locator("#earnings-filter input[name=to]")).ToHaveValueAsync(to);
        await Assertions.Expect(page.Locator("#earnings .earning-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#earnings svg rect.bar")).ToHaveCountAsync(8);

        // A range with nothing in it, then back: the history entries are the filters.
        var (emptyFrom, emptyTo) = (today.AddDays(-30).ToString("yyyy-MM-dd"), today.AddDays(-20).ToString("yyyy-MM-dd"));
        await page.FillAsync("#earnings-filter input[name=from]", emptyFrom);
        await page.FillAsync("#earnings-filter input[name=to]", emptyTo);
        await page.ClickAsync("#earnings-filter button");
        await page.WaitForPageAsync($"**/dashboard/partners?from={emptyFrom}&to={emptyTo}");
        await Assertions.Expect(page.Locator("#earnings")).ToContainTextAsync("No earnings in this period.");
        await page.GoBackAsync();
        await page.WaitForPageAsync($"**/dashboard/partners?from={from}&to={to}");
        await Assertions.Expect(page.Locator("#earnings .earning-row")).ToHaveCountAsync(1);

        // A shared link with a bad date: the message, not an error page.
        await page.GotoAsync("/dashboard/partners?from=someday");
        await Assertions.Expect(page.Locator("#earnings-filter-error")).ToContainTextAsync("from must be a date");

        var admin = await browser.SignInAsync(Demo.PlatformAdmin);
        await admin.GotoAsync($"/dashboard/admin/partners/{partnerId}");
        await admin.FillAsync("#earnings-filter input[name=from]", from);
        await admin.ClickAsync("#earnings-filter button");
        await admin.WaitForPageAsync($"**/dashboard/admin/partners/{partnerId}?from={from}");
        await admin.ReloadAsync();
        await Assertions.Expect(admin.Locator("#earnings-filter input[name=from]")).ToHaveValueAsync(from);
        await Assertions.Expect(admin.Locator("#earnings .earning-row")).ToHaveCountAsync(1);
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task Each_page_fits_390_px_with_its_forms_open()
    {
        var partnerId = await AcmeAsync();
        var page = await browser.SignInAsync(Demo.AcmeOwner, width: 390, height: 844);
        await page.GotoAsync("/dashboard/partners?from=2020-01-01");
        await page.Locator("#partner-profile summary").ClickAsync();
        await page.Locator("#profile-method-bank_transfer").CheckAsync();
        await page.FillAsync("#PublishPrice", "-1");
        await page.FillAsync("#PublishName", "Phone Kit");
        await page.Locator("#publish button:has-text('Publish')").ClickAsync();
        await Assertions.Expect(page.Locator("#PublishPrice + .field-error")).ToHaveTextAsync("price must not be negative.");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "/dashboard/partners scrolls sideways at 390 px: " + await WiderAsync(page));
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("partner-forms-mobile.png"), FullPage = true });

        var admin = await browser.SignInAsync(Demo.PlatformAdmin, width: 390, height: 844);
        await admin.GotoAsync($"/dashboard/admin/partners/{partnerId}?from=2020-01-01");
        var commission = admin.Locator("#listings tbody tr").First.Locator("input[name=commissionValue]");
        await commission.FillAsync("abc");
        await admin.Locator("#listings tbody tr").First.Locator("button:has-text('Save')").ClickAsync();
        await Assertions.Expect(admin.Locator("#listings .field-error")).ToContainTextAsync("The value 'abc' is not valid");
        await Assertions.Expect(admin.Locator("#listings tbody tr").First.Locator("input[name=commissionValue]")).ToHaveValueAsync("abc");
        Assert.True(await admin.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "/dashboard/admin/partners/{id} scrolls sideways at 390 px: " + await WiderAsync(admin));
        browser.AssertNothingBlocked();
    }

    /// <summary>What reaches past 390 px, for the failure message.</summary>
    private static Task<string> WiderAsync(IPage page) => page.EvaluateAsync<string>(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 390)" +
        ".slice(0, 8).map(e => `${e.tagName}#${e.id}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`).join(' | ')");
}
