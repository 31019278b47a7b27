using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>The browser fixture's app pointed at a local fake of Stripe's API.</summary>
public sealed class StripeBrowserFixture : BrowserFixture
{
    public FakeStripe Stripe { get; private set; } = null!;

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        var settings = await base.SettingsAsync();
        foreach (var (key, value) in Stripe.Settings) settings[key] = value;
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>Issue 15, item 8: a customer pays an invoice by card on a phone-sized screen.</summary>
public sealed class BillingPagesBrowserTests(StripeBrowserFixture browser) : IClassFixture<StripeBrowserFixture>
{
    private const string StandIn = "Stripe Checkout (stand-in)";

    [Fact]
    public async Task At_390_px_the_customer_pays_by_card_and_the_invoice_page_turns_Paid_by_itself_when_the_webhook_lands()
    {
        using var api = await browser.App.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(api, await Flows.ItemIdAsync(browser.App, "Acme CRM Add-on"));
        var page = await browser.SignInAsync(Demo.GlobexOwner, width: 390, height: 844);

        await page.ClickAsync("nav a:has-text('Invoices')");
        await page.WaitForPageAsync("**/billing/invoices");
        var row = page.Locator($"#invoice-{invoiceId}");
        await Assertions.Expect(row).ToContainTextAsync("$129.00");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("open");
        await Assertions.Expect(row.Locator("button:has-text('Pay with card')")).ToBeInViewportAsync();
        await AssertFitsTheWidthAsync(page);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("invoices-mobile.png"), FullPage = true });

        // The app's answer to the post is read without following it, and a page stands in for Stripe's, so the test never leaves the machine.
        var answer = new TaskCompletionSource<(int Status, string? Location)>();
        await page.RouteAsync($"**/billing/invoices/{invoiceId}/pay", async route =>
        {
            var response = await route.FetchAsync(new() { MaxRedirects = 0 });
            answer.TrySetResult((response.Status, response.Headers.GetValueOrDefault("location")));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = $"<h1>{StandIn}</h1>" });
        });
        await row.Locator("button:has-text('Pay with card')").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(StandIn);
        var sessionId = await Flows.QueryAsync(browser.App, db => db.CheckoutSessions.Where(s => s.InvoiceId == invoiceId).Select(s => s.StripeSessionId).SingleAsync());
        Assert.Equal((303, $"https://checkout.stripe.com/c/pay/{sessionId}"), await answer.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        var returnUrl = $"/billing/invoices/{invoiceId}?checkout=success";
        var call = browser.Stripe.Calls.Single(c => c.Form.GetValueOrDefault("client_reference_id") == invoiceId.ToString());
        Assert.Equal(browser.BaseUrl + returnUrl, call.Form["success_url"]);

        // Stripe sends the customer back before its webhook has arrived.
        await page.GotoAsync(returnUrl);
        await Assertions.Expect(page.Locator("#payment-state .state")).ToHaveTextAsync("Payment processing");
        await Assertions.Expect(page.Locator("#invoice .badge")).ToHaveTextAsync("open");
        await AssertFitsTheWidthAsync(page);
        await page.EvaluateAsync("window.__noReload = true");

        var session = StripeObjects.CheckoutSession(sessionId, invoiceId.ToString(), StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd",
            browser.BaseUrl + returnUrl, null, status: "complete", paymentStatus: "paid", paymentIntent: $"pi_{invoiceId:N}");
        using var stripe = browser.App.CreateApiClient();
        var delivered = await Flows.PostSignedWebhookAsync(stripe, StripeObjects.Event($"evt_{invoiceId:N}", "checkout.session.completed", session));
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);

        // The poll (every 2 s) swaps the section in place: no reload, and the answer without a trigger ends the polling.
        await Assertions.Expect(page.Locator("#payment-state .state")).ToHaveTextAsync("Paid", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#invoice .badge")).ToHaveTextAsync("paid");
        Assert.True(await page.EvaluateAsync<bool>("window.__noReload === true"), "the page must change by the htmx poll, not by a reload");
        var pollsAfterPaid = 0;
        page.Request += (_, request) => { if (request.Url.Contains($"/billing/invoices/{invoiceId}")) Interlocked.Increment(ref pollsAfterPaid); };
        await page.WaitForTimeoutAsync(3_000);
        Assert.Equal(0, pollsAfterPaid);
        await AssertFitsTheWidthAsync(page);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("invoice-paid-mobile.png"), FullPage = true });
        browser.AssertNothingBlocked();
    }
}
