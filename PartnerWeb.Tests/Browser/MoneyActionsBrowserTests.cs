using PartnerWeb.Infrastructure;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Browser;

/// <summary>
/// The admin's payout buttons in Chromium under the Content-Security-Policy: each asks first (hx-confirm), shows
/// that it is busy, mark-paid wants a reference, and a click after the session ended comes back to the page.
/// </summary>
public sealed class MoneyActionsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<Guid> PartnerWithEarningsAsync(string owner)
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(browser.App, owner);
        using var admin = await browser.App.ClientAsAsync(Demo.PlatformAdmin);
        var itemId = await Flows.ItemIdAsync(browser.App, "Starter Landing Template");
        await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
        await PartnerFlows.SellAsync(browser.App, itemId, partnerId);
        return partnerId;
    }

    private Task<int> PayoutCountAsync(Guid partnerId) =>
        Flows.QueryAsync(browser.App, db => db.PartnerPayouts.CountAsync(p => p.PartnerId == partnerId));

    [Fact]
    public async Task Generate_asks_first_is_busy_while_it_runs_and_mark_paid_needs_a_reference()
    {
        var partnerId = await PartnerWithEarningsAsync(Demo.AcmeOwner);
        var page = await browser.SignInAsync(Demo.PlatformAdmin);
        await page.GotoAsync($"/dashboard/admin/partners/{partnerId}");
        var payouts = page.Locator("#payouts");
        var generate = payouts.Locator("button:has-text('Generate payouts')");

        // "No": nothing is generated.
        var asked = new List<string>();
        var answer = false;
        page.Dialog += (_, dialog) => { asked.Add(dialog.Message); _ = answer ? dialog.AcceptAsync() : dialog.DismissAsync(); };
        await generate.ClickAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Equal([$"Generate payouts for Partner of {Demo.AcmeOwner} from everything payable now?"], asked);
        Assert.Equal(0, await PayoutCountAsync(partnerId));
        await Assertions.Expect(payouts).ToContainTextAsync("No payouts yet.");

        // "Yes": while the server works, the form is busy and its button disabled, so a second click cannot send it again.
        answer = true;
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/payouts/generate", async route => { await release.Task; await route.ContinueAsync(); });
        await generate.ClickAsync();
        await Assertions.Expect(generate).ToBeDisabledAsync();
        await Assertions.Expect(payouts.Locator("form").First).ToHaveClassAsync(new Regex("htmx-request"));
        Assert.Equal("progress", await generate.EvaluateAsync<string>("b => getComputedStyle(b).cursor"));
        Assert.True(await generate.EvaluateAsync<double>("b => parseFloat(getComputedStyle(b).opacity)") < 1);
        release.SetResult();
        await Assertions.Expect(payouts.Locator("tbody tr .badge")).ToHaveTextAsync("owed");
        await Assertions.Expect(generate).ToBeEnabledAsync();
        await page.UnrouteAllAsync();
        Assert.Equal(1, await PayoutCountAsync(partnerId));

        await payouts.Locator("button:has-text('Approve')").ClickAsync();
        await Assertions.Expect(payouts.Locator("tbody tr .badge")).ToHaveTextAsync("approved");

        // Empty: the browser itself asks for the reference; nothing is sent, not even the question.
        var markPaid = payouts.Locator("button:has-text('Mark paid')");
        var reference = payouts.Locator("input[name=reference]");
        var questions = asked.Count;
        await markPaid.ClickAsync();
        Assert.True(await reference.EvaluateAsync<bool>("i => i.validity.valueMissing"));
        Assert.Equal(questions, asked.Count);

        // Blanks: the server refuses with the message beside that payout's reference, and it stays approved.
        await reference.FillAsync("   ");
        await markPaid.ClickAsync();
        await Assertions.Expect(payouts.Locator("tbody tr .field-error")).ToHaveTextAsync(PaymentReferenceAttribute.Missing);
        await Assertions.Expect(payouts.Locator("tbody tr .badge")).ToHaveTextAsync("approved");
        Assert.EndsWith("paid? Do this once the money has been sent.", asked[^1]);

        await payouts.Locator("input[name=reference]").FillAsync("SEPA-2026-77");
        await payouts.Locator("button:has-text('Mark paid')").ClickAsync();
        await Assertions.Expect(payouts.Locator("tbody tr .badge")).ToHaveTextAsync("paid");
        await Assertions.Expect(payouts.Locator("tbody tr")).ToContainTextAsync("SEPA-2026-77");
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task A_click_after_the_session_ended_leads_through_sign_in_back_to_the_page()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.InitechOwner);
        var page = await browser.SignInAsync(Demo.PlatformAdmin);
        var partnerPage = $"{browser.BaseUrl}/dashboard/admin/partners/{partnerId}";
        await page.GotoAsync(partnerPage);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();

        await page.Context.ClearCookiesAsync(new() { Name = "partnerweb.auth" });
        await page.ClickAsync("#payouts button:has-text('Generate payouts')");
        await page.WaitForPageAsync("**/login?ReturnUrl=*");
        Assert.Equal($"{browser.BaseUrl}/login?ReturnUrl={Uri.EscapeDataString(partnerPage[browser.BaseUrl.Length..])}", page.Url);
        Assert.Equal(0, await PayoutCountAsync(partnerId));

        // Signing in is a plain post: the form says it is on its way and a second click sends nothing. A listener
        // after the page's own records each submit and stops it, so the page stays to be looked at.
        await page.FillAsync("#Email", Demo.PlatformAdmin);
        await page.FillAsync("#Password", PartnerWebFactory.Password);
        await page.EvaluateAsync("() => { window.__submits = []; window.addEventListener('submit', e => { window.__submits.push(e.defaultPrevented); e.preventDefault(); }); }");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("form[action='/login']")).ToHaveAttributeAsync("aria-busy", "true");
        Assert.Equal("progress", await page.Locator("form[action='/login'] button").EvaluateAsync<string>("b => getComputedStyle(b).cursor"));
        await page.ClickAsync("button[type=submit]");
        var submits = await page.EvaluateAsync<bool[]>("() => window.__submits");
        Assert.Equal([false, true], submits);

        await page.ReloadAsync();
        await page.FillAsync("#Email", Demo.PlatformAdmin);
        await page.FillAsync("#Password", PartnerWebFactory.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForPageAsync(partnerPage);
        await Assertions.Expect(page.Locator("#payouts h2")).ToHaveTextAsync("Payouts");
        browser.AssertNothingBlocked();
    }
}

public sealed class LowWriteLimitBrowserFixture : BrowserFixture
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["RateLimiting:PartnerWrites:PermitLimit"] = "2",
        ["RateLimiting:PartnerWrites:WindowSeconds"] = "3600",
    });
}

/// <summary>The click the partner-write limit refuses reads as a message with the wait; the section it was in stays.</summary>
public sealed class RateLimitedClickBrowserTests(LowWriteLimitBrowserFixture browser) : IClassFixture<LowWriteLimitBrowserFixture>
{
    [Fact]
    public async Task The_refused_save_shows_when_to_retry_and_keeps_the_form()
    {
        await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.AcmeOwner);
        var page = await browser.SignInAsync(Demo.AcmeOwner, width: 390, height: 844);
        await page.GotoAsync("/dashboard/partners");
        var card = page.Locator("#partner-profile");
        var statuses = new List<int>();
        string? retryAfter = null;
        // The permit is two and the application through the API took one.
        for (var click = 0; click < 2; click++)
        {
            if (!await card.Locator("details.edit-profile").EvaluateAsync<bool>("d => d.open")) await card.Locator("summary").ClickAsync();
            await card.Locator("#profile-method-paypal").CheckAsync();
            await card.Locator("#ProfilePayPalEmail").FillAsync($"payouts{click}@acme.example");
            var response = await page.RunAndWaitForResponseAsync(
                () => card.Locator("button[type=submit]").ClickAsync(), r => r.Url.EndsWith("/dashboard/partners/profile", StringComparison.Ordinal));
            statuses.Add(response.Status);
            retryAfter = await response.HeaderValueAsync("retry-after");
        }
        Assert.Equal([200, 429], statuses);
        var flash = page.Locator("#flash");
        await Assertions.Expect(flash).ToBeVisibleAsync();
        // Windows are aligned to the clock, so the wait is whatever is left of this hour: in seconds near its end.
        Assert.NotNull(retryAfter);
        await Assertions.Expect(flash).ToHaveTextAsync($"Too many requests. Try again in {PartnerWeb.Auth.RateLimits.Wait(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture))}.");
        await Assertions.Expect(card.Locator("h2")).ToHaveTextAsync("Contact and payout details");
        Assert.DoesNotContain("\"status\"", await page.Locator("main").InnerTextAsync());
        await BrowserFixture.AssertFitsTheWidthAsync(page);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("rate-limited-mobile.png") });
        browser.AssertNothingBlocked();
    }
}
