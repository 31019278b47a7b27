using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>Issue 16, item 7: a partner sets up payouts with Stripe on a phone-sized screen.</summary>
public sealed class StripePayoutsBrowserTests(StripeBrowserFixture browser) : IClassFixture<StripeBrowserFixture>
{
    private const string StandIn = "Stripe onboarding (stand-in)";

    [Fact]
    public async Task At_390_px_the_partner_is_sent_to_Stripe_and_sees_what_is_due_then_ready()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.InitechOwner);
        var page = await browser.SignInAsync(Demo.InitechOwner, width: 390, height: 844);

        await page.GotoAsync("/dashboard/partners");
        var section = page.Locator("#stripe-payouts");
        var button = section.Locator("button:has-text('Set up payouts with Stripe')");
        await button.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(button).ToBeInViewportAsync();
        await AssertFitsTheWidthAsync(page);

        // The app's answer is read without following it, and a page stands in for Stripe's, so the test never leaves the machine.
        var answer = new TaskCompletionSource<(int Status, string? Location)>();
        await page.RouteAsync("**/dashboard/partners/stripe/onboarding", async route =>
        {
            var response = await route.FetchAsync(new() { MaxRedirects = 0 });
            answer.TrySetResult((response.Status, response.Headers.GetValueOrDefault("location")));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = $"<h1>{StandIn}</h1>" });
        });
        await button.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(StandIn);
        var accountId = await Flows.QueryAsync(browser.App, db => db.PartnerStripeAccounts.Where(a => a.PartnerId == partnerId).Select(a => a.AccountId).SingleAsync());
        var (status, location) = await answer.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(303, status);
        Assert.StartsWith($"https://connect.stripe.com/setup/e/{accountId}/", location);

        // Stripe sends the partner back before its webhook says anything new.
        await page.GotoAsync("/dashboard/partners?stripe=return");
        await Assertions.Expect(section.Locator(".state")).ToHaveTextAsync("Action needed");
        await Assertions.Expect(section.Locator(".requirements li")).ToHaveCountAsync(StripeObjects.NewAccountDue.Length);
        await AssertFitsTheWidthAsync(page);
        await section.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-payouts-action-needed-mobile.png") });

        var ready = StripeObjects.AccountUpdated($"evt_{Guid.NewGuid():N}", StripeObjects.Account(accountId, "US", "partners@acme.example",
            new JsonObject { ["partnerId"] = partnerId.ToString() }, payoutsEnabled: true, currentlyDue: [], disabledReason: null), new JsonObject { ["payouts_enabled"] = false });
        using var stripe = browser.App.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await Flows.PostSignedConnectWebhookAsync(stripe, ready)).StatusCode);

        await page.ReloadAsync();
        await Assertions.Expect(section.Locator(".state")).ToHaveTextAsync("Ready");
        await Assertions.Expect(button).ToHaveCountAsync(0);
        await AssertFitsTheWidthAsync(page);
        await section.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-payouts-ready-mobile.png") });
        browser.AssertNothingBlocked();
    }
}
