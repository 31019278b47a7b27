using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>Every page each role can open, in a 390 px wide phone window: nothing scrolls sideways and "Sign out" stays in sight.</summary>
public sealed class PhoneLayoutBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string PlatformAdmin = Demo.PlatformAdmin;
    private const string TenantOwner = Demo.GlobexOwner;
    private const string Staff = Demo.GlobexStaff;
    private const string PartnerOwner = Demo.AcmeOwner;

    /// <summary>
    /// The pages, by who opens them and the status they answer. <c>{partner}</c> is Acme's partner account and
    /// <c>{invoice}</c> Globex's paid invoice (made by the test). A new page is one more line here.
    /// </summary>
    private static readonly (string Who, string Path, int Status)[] Pages =
    [
        (PlatformAdmin, "/", 200),
        (PlatformAdmin, "/marketplace", 200),
        (PlatformAdmin, "/billing/invoices", 200),
        (PlatformAdmin, "/dashboard/admin/partners", 200),
        (PlatformAdmin, "/dashboard/admin/partners/{partner}", 200),
        (PlatformAdmin, "/dashboard/admin/billing", 200),
        (PlatformAdmin, "/dashboard/admin/billing/{invoice}", 200),
        (PlatformAdmin, "/dashboard/admin/payouts", 200),
        (PlatformAdmin, "/dashboard/admin/audit", 200),
        (PlatformAdmin, "/dashboard/admin/tasks", 200),
        (PlatformAdmin, "/settings/users", 200),
        (PlatformAdmin, "/settings/password", 200),

        (TenantOwner, "/", 200),
        (TenantOwner, "/marketplace", 200),
        (TenantOwner, "/billing/invoices", 200),
        (TenantOwner, "/billing/invoices/{invoice}", 200),
        (TenantOwner, "/dashboard/partners", 200),
        (TenantOwner, "/settings/users", 200),
        (TenantOwner, "/settings/password", 200),
        (TenantOwner, "/no-such-page", 404),
        (TenantOwner, "/dashboard/partners/apply", 405),

        (Staff, "/", 200),
        (Staff, "/marketplace", 200),
        (Staff, "/billing/invoices", 200),
        (Staff, "/billing/invoices/{invoice}", 200),
        (Staff, "/settings/password", 200),
        (Staff, "/settings/users", 403),
        (Staff, "/dashboard/admin/billing", 403),

        (PartnerOwner, "/", 200),
        (PartnerOwner, "/dashboard/partners", 200),
        (PartnerOwner, "/marketplace", 200),
        (PartnerOwner, "/billing/invoices", 200),
        (PartnerOwner, "/settings/users", 200),
        (PartnerOwner, "/settings/password", 200),
    ];

    private const int Width = 390;
    private const int Height = 844;

    [Fact]
    public async Task Every_page_of_every_role_fits_390_px_with_sign_out_in_sight()
    {
        var (partnerId, invoiceId) = await PartnerWithSalesAndPayoutsAsync();
        var problems = new List<string>();
        foreach (var role in Pages.GroupBy(p => p.Who))
        {
            var page = await browser.SignInAsync(role.Key, width: Width, height: Height);
            foreach (var (_, template, status) in role)
            {
                var path = template.Replace("{partner}", partnerId.ToString()).Replace("{invoice}", invoiceId.ToString());
                var response = await page.GotoAsync(path);
                var where = $"{role.Key} {path}";
                if (response!.Status != status) problems.Add($"{where}: answered {response.Status}, not {status}");
                var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                if (width > Width) problems.Add($"{where}: {width} px wide");
                problems.AddRange((await SignOutProblemAsync(page)).Select(p => $"{where}: {p}"));
                if (role.Key == PartnerOwner && path == "/")
                    await page.ScreenshotAsync(new() { Path = ScreenshotPath("home-mobile.png"), FullPage = true });
                if (role.Key == PartnerOwner && path == "/dashboard/partners")
                    await page.ScreenshotAsync(new() { Path = ScreenshotPath("partner-dashboard-mobile.png"), FullPage = true });
            }
            await page.Context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task On_a_phone_every_link_of_the_longest_nav_wraps_into_sight()
    {
        var page = await browser.SignInAsync(PlatformAdmin, width: Width, height: Height);
        var links = page.Locator("#main-nav a");
        Assert.Equal(10, await links.CountAsync());
        foreach (var link in await links.AllAsync())
        {
            var box = await link.BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= Width && box.Y + box.Height <= Height / 3,
                $"{await link.TextContentAsync()} is at ({box?.X}, {box?.Y}), {box?.Width} px wide");
        }
        await page.ClickAsync("#main-nav a:has-text('Audit')");
        await page.WaitForPageAsync("**/dashboard/admin/audit");
        Assert.Empty(await SignOutProblemAsync(page));
        browser.AssertNothingBlocked();
    }

    /// <summary>Why "Sign out" is not a visible button inside the window at the top of the page, if it is not.</summary>
    private static async Task<IEnumerable<string>> SignOutProblemAsync(IPage page)
    {
        var signOut = page.Locator("header .sign-out");
        if (await signOut.CountAsync() != 1 || !await signOut.IsVisibleAsync()) return ["no visible Sign out button"];
        var box = await signOut.BoundingBoxAsync();
        return box is not null && box.X >= 0 && box.Y >= 0 && box.X + box.Width <= Width && box.Y + box.Height <= Height
            ? []
            : [$"Sign out is outside the window ({box?.X}, {box?.Y}, {box?.Width} × {box?.Height})"];
    }

    /// <summary>
    /// Acme as an approved partner whose add-on Globex bought twice (one invoice paid, one open), with an approved
    /// payout and earnings, so the widest tables (earnings, payouts with their actions) are on the pages.
    /// </summary>
    private async Task<(Guid Partner, Guid PaidInvoice)> PartnerWithSalesAndPayoutsAsync()
    {
        var app = browser.App;
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(app, PartnerOwner);
        using var admin = await app.ClientAsAsync(PlatformAdmin);
        var itemId = await Flows.ItemIdAsync(app, "Acme CRM Add-on");
        await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
        var paid = await PartnerFlows.SellAsync(app, itemId, partnerId);
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        await PartnerFlows.SellAsync(app, itemId, partnerId);
        using var buyer = await app.ClientAsAsync(TenantOwner);
        await Flows.InstallAsync(buyer, await Flows.TemplateIdAsync(app));
        return (partnerId, paid);
    }
}
