using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Browser;

/// <summary>The Scalar reference at /docs/api, rendered by Chromium from the signed-in user's session.</summary>
public sealed class ApiReferenceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_signed_in_user_sees_the_rendered_reference()
    {
        var page = await browser.SignInAsync(Demo.AcmeOwner);
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add(request.Url);
        page.Response += (_, response) => { if (response.Status >= 400) failed.Add($"{response.Status} {response.Url}"); };

        var documentLoaded = page.WaitForResponseAsync(r => r.Url.EndsWith("/openapi/v1.json") && r.Status == 200);
        await page.GotoAsync("/docs/api");
        await documentLoaded;

        // The document's title, its tags and the first group's operations render (Scalar fetched /openapi/v1.json with the cookie).
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "PartnerWeb API", Level = 1 })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var sidebar = page.GetByRole(AriaRole.Complementary);
        foreach (var tag in new[] { "Auth", "Marketplace", "Billing", "Partners", "Resellers", "Audit" })
            await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = tag, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(sidebar.GetByText("Exchange email and password for a bearer token")).ToBeVisibleAsync();

        // Opening a group shows its operations.
        await sidebar.GetByRole(AriaRole.Button, new() { Name = "Open Group - Partners" }).ClickAsync();
        await Assertions.Expect(sidebar.GetByText("Apply as a partner (owner/admin of a non-platform tenant; a rejected tenant applies again)")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("api-reference.png") });
        Assert.True(failed.Count == 0, "Failed requests: " + string.Join(", ", failed));
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task An_anonymous_visitor_lands_on_the_login_page()
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/docs/api");
        Assert.StartsWith(browser.BaseUrl + "/login", page.Url);
        await Assertions.Expect(page.Locator("#Email")).ToBeVisibleAsync();
        await context.CloseAsync();
    }
}
