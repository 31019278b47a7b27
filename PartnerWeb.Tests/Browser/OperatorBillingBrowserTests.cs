using PartnerWeb.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>
/// Issue 18's chain in Chromium: a customer buys a partner's item, the operator marks the invoice paid from
/// /dashboard/admin/billing, and the partner sees the sale; then each operator form refused and the pages at 390 px.
/// </summary>
public sealed class OperatorBillingBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Item = "Acme CRM Add-on";

    /// <summary>Accepts every confirmation and keeps the last question asked.</summary>
    private static Func<string?> AcceptDialogs(IPage page)
    {
        string? asked = null;
        page.Dialog += (_, dialog) => { asked = dialog.Message; dialog.AcceptAsync(); };
        return () => asked;
    }

    private async Task<Guid> InstallAsync(bool paid)
    {
        using var globex = await browser.App.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(globex, await Flows.TemplateIdAsync(browser.App));
        if (!paid) return invoiceId;
        using var admin = await browser.App.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = "API-1" })).AssertJsonAsync(HttpStatusCode.OK);
        return invoiceId;
    }

    [Fact]
    public async Task A_customer_buys_the_operator_marks_the_invoice_paid_and_the_partner_sees_the_sale()
    {
        // Acme is an approved partner with its add-on listed, as the partner flow tests set it up.
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.AcmeOwner);
        var itemId = await Flows.ItemIdAsync(browser.App, Item);
        using (var adminApi = await browser.App.ClientAsAsync(Demo.PlatformAdmin))
            await PartnerFlows.CreateListingAsync(adminApi, partnerId, itemId, "percent", 30m);

        // The customer buys it on /marketplace and lands on the open invoice.
        var customer = await browser.SignInAsync(Demo.GlobexOwner);
        AcceptDialogs(customer);
        await customer.GotoAsync("/marketplace");
        await customer.Locator($"#item-{itemId} button:has-text('Buy')").ClickAsync();
        await customer.WaitForPageAsync("**/billing/invoices/*");
        var invoiceId = Guid.Parse(customer.Url.Split('/').Last());
        await Assertions.Expect(customer.Locator("#invoice .badge")).ToHaveTextAsync("open");
        await Assertions.Expect(customer.Locator("#invoice-total")).ToHaveTextAsync("$129.00");
        var number = await Flows.QueryAsync(browser.App, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync());

        // The operator finds it by number (the filter goes into the URL) among every tenant's invoices.
        var admin = await browser.SignInAsync(Demo.PlatformAdmin);
        var asked = AcceptDialogs(admin);
        await admin.GotoAsync("/dashboard/admin/billing");
        await admin.FillAsync("#filter-number", number[^10..].ToLowerInvariant());
        await admin.ClickAsync("#invoice-filter button:has-text('Filter')");
        await admin.WaitForPageAsync($"**/dashboard/admin/billing?*number={number[^10..].ToLowerInvariant()}*");
        var row = admin.Locator($"#invoice-{invoiceId}");
        await Assertions.Expect(admin.Locator("#admin-invoices .invoice-row")).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(".tenant")).ToHaveTextAsync("Globex");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("open");
        await Assertions.Expect(row).ToContainTextAsync("$129.00");
        await admin.ScreenshotAsync(new() { Path = ScreenshotPath("admin-billing.png"), FullPage = true });

        // It marks the invoice paid with the bank's reference; the section swaps in place.
        await row.Locator($"a:has-text('{number}')").ClickAsync();
        await admin.WaitForPageAsync($"**/dashboard/admin/billing/{invoiceId}");
        await Assertions.Expect(admin.Locator("#invoice-tenant")).ToHaveTextAsync("Globex");
        await admin.FillAsync("#Reference", "SEPA-2026-0042");
        await admin.ClickAsync("#mark-paid-form button");
        await Assertions.Expect(admin.Locator("#admin-invoice .badge")).ToHaveTextAsync("paid");
        Assert.Equal($"Mark invoice {number} for $129.00 paid? The partners' earnings accrue from it.", asked());
        await Assertions.Expect(admin.Locator("#invoice-notice")).ToHaveTextAsync("Marked paid with reference SEPA-2026-0042.");
        await Assertions.Expect(admin.Locator("#invoice-reference")).ToHaveTextAsync("SEPA-2026-0042");
        await Assertions.Expect(admin.Locator("#invoice-method")).ToHaveTextAsync("manual");
        await Assertions.Expect(admin.Locator("#refund-form")).ToBeVisibleAsync();
        await admin.ScreenshotAsync(new() { Path = ScreenshotPath("admin-billing-invoice.png"), FullPage = true });

        // Accrual runs as a background job after the commit; wait for it as the partner flow tests do.
        await PartnerFlows.EarningExistsAsync(browser.App, invoiceId, partnerId);
        var partner = await browser.SignInAsync(Demo.AcmeOwner);
        await partner.GotoAsync("/dashboard/partners");
        var earning = partner.Locator("#earnings .earning-row", new() { HasText = number });
        await Assertions.Expect(earning).ToHaveCountAsync(1);
        await Assertions.Expect(earning).ToContainTextAsync("INV-");
        await Assertions.Expect(earning).ToContainTextAsync(Item);
        await Assertions.Expect(earning).ToContainTextAsync("sale");

        // The customer's own page says paid too.
        await customer.ReloadAsync();
        await Assertions.Expect(customer.Locator("#invoice .badge")).ToHaveTextAsync("paid");
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task At_390_px_every_operator_form_refuses_bad_input_beside_its_field_and_keeps_it()
    {
        var open = await InstallAsync(paid: false);
        var paid = await InstallAsync(paid: true);
        var admin = await browser.SignInAsync(Demo.PlatformAdmin, width: 390, height: 844);
        var asked = AcceptDialogs(admin);

        // The filter: a number longer than any invoice's.
        await admin.GotoAsync("/dashboard/admin/billing");
        Assert.True(await admin.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "/dashboard/admin/billing scrolls sideways at 390 px");
        await AssertFitsTheWidthAsync(admin);
        await admin.ScreenshotAsync(new() { Path = ScreenshotPath("admin-billing-mobile.png"), FullPage = true });
        // Playwright's screenshot leaves style="" on inputs (it hides the caret); htmx would copy that attribute onto
        // the swapped-in input, which the Content-Security-Policy refuses. A fresh page has none.
        await admin.ReloadAsync();
        var tooLong = new string('9', 41);
        await admin.FillAsync("#filter-number", tooLong);
        await admin.ClickAsync("#invoice-filter button:has-text('Filter')");
        await Assertions.Expect(admin.Locator("#invoice-filter .field-error")).ToHaveTextAsync("An invoice number is at most 40 characters.");
        await Assertions.Expect(admin.Locator("#filter-number")).ToHaveValueAsync(tooLong);
        await AssertFitsTheWidthAsync(admin);

        // Mark paid without a reference.
        await admin.GotoAsync($"/dashboard/admin/billing/{open}");
        await AssertFitsTheWidthAsync(admin);
        await admin.ClickAsync("#mark-paid-form button");
        await Assertions.Expect(admin.Locator("#mark-paid-form .field-error")).ToHaveTextAsync(PaymentReferenceAttribute.Missing);
        await Assertions.Expect(admin.Locator("#admin-invoice .badge")).ToHaveTextAsync("open");
        await AssertFitsTheWidthAsync(admin);

        // Void asks first, then the open invoice is void and offers nothing more.
        await admin.ClickAsync("#void-form button");
        await Assertions.Expect(admin.Locator("#invoice-notice")).ToHaveTextAsync("The invoice is void.");
        Assert.StartsWith("Void invoice INV-", asked());
        await Assertions.Expect(admin.Locator("#admin-invoice .badge")).ToHaveTextAsync("void");
        await Assertions.Expect(admin.Locator("#admin-invoice form")).ToHaveCountAsync(0);

        // Refund: words, then more than was paid, each kept with its message; then two deliberate refunds.
        await admin.GotoAsync($"/dashboard/admin/billing/{paid}");
        await Assertions.Expect(admin.Locator("#Amount")).ToHaveValueAsync("49.00");
        await admin.FillAsync("#Amount", "abc");
        await admin.ClickAsync("#refund-form button");
        await Assertions.Expect(admin.Locator("#refund-form .field-error")).ToHaveTextAsync("Amount must be a number such as 49.00, with a dot for decimals.");
        await Assertions.Expect(admin.Locator("#Amount")).ToHaveValueAsync("abc");
        Assert.Equal($"Refund the amount entered (at most $49.00) of invoice {await NumberAsync(paid)} to Globex?", asked());
        await admin.FillAsync("#Amount", "49.01");
        await admin.ClickAsync("#refund-form button");
        await Assertions.Expect(admin.Locator("#refund-form .field-error"))
            .ToHaveTextAsync("The refund is larger than what is left to refund on this invoice. At most $49.00 can be refunded.");
        await Assertions.Expect(admin.Locator("#Amount")).ToHaveValueAsync("49.01");
        await AssertFitsTheWidthAsync(admin);

        await admin.FillAsync("#Amount", "12.50");
        await admin.ClickAsync("#refund-form button");
        await Assertions.Expect(admin.Locator("#invoice-notice")).ToHaveTextAsync("Refunded $12.50.");
        await Assertions.Expect(admin.Locator("#admin-invoice .badge")).ToHaveTextAsync("partially refunded");
        await admin.FillAsync("#Amount", "12.50");
        await admin.ClickAsync("#refund-form button");
        await Assertions.Expect(admin.Locator("#invoice-refunded")).ToHaveTextAsync("$25.00");
        await Assertions.Expect(admin.Locator("#refunds .refund-row")).ToHaveCountAsync(2);
        await Assertions.Expect(admin.Locator("#Amount")).ToHaveValueAsync("24.00");
        await AssertFitsTheWidthAsync(admin);
        Assert.Equal(2, await Flows.QueryAsync(browser.App, db => db.InvoiceRefunds.CountAsync(r => r.InvoiceId == paid)));
        browser.AssertNothingBlocked();
    }

    private Task<string> NumberAsync(Guid invoiceId) =>
        Flows.QueryAsync(browser.App, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync());
}
