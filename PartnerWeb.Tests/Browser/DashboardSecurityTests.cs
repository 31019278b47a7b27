using System.Net;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Browser;

public sealed class DashboardSecurityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(Demo.PlatformStaff)]
    [InlineData(Demo.AcmeOwner)]
    [InlineData(Demo.GlobexStaff)]
    public async Task Staff_and_other_tenants_cannot_open_the_admin_page(string email)
    {
        var page = await browser.SignInAsync(email);
        await Assertions.Expect(page.Locator("nav a[href='/dashboard/admin/partners']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("nav a[href='/hangfire']")).ToHaveCountAsync(0);
        var response = await page.GotoAsync("/dashboard/admin/partners");
        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("You are not allowed to do this.");
        await Assertions.Expect(page.Locator("table")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Staff_cannot_open_the_partner_dashboard_and_do_not_see_its_link()
    {
        var page = await browser.SignInAsync(Demo.AcmeStaff);
        await Assertions.Expect(page.Locator("nav")).Not.ToContainTextAsync("Partner dashboard");
        var response = await page.GotoAsync("/dashboard/partners");
        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var page = await browser.SignInAsync(Demo.InitechOwner);
        await page.GotoAsync("/dashboard/partners");
        // The same form post the page makes, from the signed-in browser, but without the token.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const body = new URLSearchParams({ DisplayName: "Forged", ContactEmail: "f@initech.example", Country: "US", PayoutMethod: "paypal", PayPalEmail: "f@initech.example" });
              const response = await fetch("/dashboard/partners/apply", { method: "POST", body, credentials: "same-origin" });
              return response.status;
            }
            """);
        Assert.Equal(400, status);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#apply")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_partner_named_with_a_script_tag_renders_as_text()
    {
        const string name = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">";
        var partner = await browser.SignInAsync(Demo.UmbrellaOwner);
        await partner.GotoAsync("/dashboard/partners");
        await partner.FillAsync("#DisplayName", name);
        await partner.FillAsync("#ContactEmail", "partners@umbrella.example");
        await partner.FillAsync("#Country", "US");
        await partner.SelectOptionAsync("#PayoutMethod", "paypal");
        await partner.FillAsync("#PayPalEmail", "payouts@umbrella.example");
        await partner.ClickAsync("button:has-text('Apply')");
        await Assertions.Expect(partner.Locator("#partner-status h1")).ToHaveTextAsync(name);

        var admin = await browser.SignInAsync(Demo.PlatformOwner);
        await admin.GotoAsync("/dashboard/admin/partners");
        await Assertions.Expect(admin.Locator("tr", new() { HasText = "partners@umbrella.example" }).Locator("a")).ToHaveTextAsync(name);
        Assert.Equal("undefined", await admin.EvaluateAsync<string>("typeof window.__xss"));
        Assert.Equal("undefined", await partner.EvaluateAsync<string>("typeof window.__xss"));
    }

    [Fact]
    public async Task Apply_validation_shows_readable_messages_in_the_fragment()
    {
        var page = await browser.SignInAsync(Demo.GlobexOwner);
        await page.GotoAsync("/dashboard/partners");
        await page.FillAsync("#DisplayName", "Globex Partner");
        await page.FillAsync("#ContactEmail", "partners@globex.example");
        await page.FillAsync("#Country", "ZZ");
        await page.ClickAsync("button:has-text('Apply')");
        await Assertions.Expect(page.Locator("#apply .error").First).ToContainTextAsync("ISO 3166-1");
        await Assertions.Expect(page.Locator("#DisplayName")).ToHaveValueAsync("Globex Partner");
        // Bank transfer is the first method: without an IBAN the form says so beside the field.
        await Assertions.Expect(page.Locator("#apply")).ToContainTextAsync("iban must be a valid IBAN");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Exception");
    }
}
