using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Browser;

/// <summary>The seed flow clicked through both dashboards in Chromium.</summary>
public sealed class DashboardFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Partner_applies_admin_approves_and_lists_invoice_paid_payout_generated_approved_and_paid()
    {
        // The partner applies from its dashboard; the fragment swaps in the pending account.
        var partner = await browser.SignInAsync(Demo.AcmeOwner);
        await partner.GotoAsync("/dashboard/partners");
        await partner.FillAsync("#DisplayName", "Acme Browser Partner");
        await partner.FillAsync("#ContactEmail", "partners@acme.example");
        await partner.FillAsync("#Country", "de");
        await partner.SelectOptionAsync("#PayoutMethod", "bank_transfer");
        await partner.FillAsync("#AccountHolder", "Acme Templates Ltd");
        await partner.FillAsync("#Iban", "DE89 3704 0044 0532 0130 00");
        await partner.ClickAsync("button:has-text('Apply')");
        await Assertions.Expect(partner.Locator("#partner-status .badge")).ToHaveTextAsync("pending");
        Assert.EndsWith("/dashboard/partners", partner.Url);

        // The admin approves in place: the row changes, the page does not reload.
        var admin = await browser.SignInAsync(Demo.PlatformAdmin);
        // Every money action asks first (hx-confirm); the admin says yes to each.
        var asked = new List<string>();
        admin.Dialog += (_, dialog) => { asked.Add(dialog.Message); dialog.AcceptAsync(); };
        await admin.GotoAsync("/dashboard/admin/partners?status=pending");
        await admin.EvaluateAsync("window.__noReload = true");
        var row = admin.Locator("tr", new() { HasText = "Acme Browser Partner" });
        await row.Locator("button:has-text('Approve')").ClickAsync();
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("approved");
        Assert.True(await admin.EvaluateAsync<bool>("window.__noReload === true"), "the approve must swap the row, not reload the page");
        await admin.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-partners.png"), FullPage = true });

        // The admin lists Acme's add-on at 30%.
        await row.Locator("a").ClickAsync();
        await admin.WaitForPageAsync("**/dashboard/admin/partners/*");
        var listings = admin.Locator("#listings");
        await listings.Locator("select[name=marketplaceItemId]").SelectOptionAsync(new SelectOptionValue { Label = "Acme CRM Add-on ($129.00)" });
        await listings.Locator(".create-form select[name=commissionType]").SelectOptionAsync("percent");
        await listings.Locator(".create-form input[name=commissionValue]").FillAsync("30");
        await listings.Locator("button:has-text('Create listing')").ClickAsync();
        await Assertions.Expect(admin.Locator("#listings tbody tr", new() { HasText = "Acme CRM Add-on" })).ToHaveCountAsync(1);

        // A customer buys it and the invoice is paid (manual approval through the API).
        var itemId = await Flows.ItemIdAsync(browser.App, "Acme CRM Add-on");
        using var globex = await browser.App.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(globex, itemId);
        using var adminApi = await browser.App.ClientAsAsync(Demo.PlatformAdmin);
        await (await adminApi.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        var partnerId = Guid.Parse(admin.Url.Split('/').Last());
        await PartnerFlows.EarningExistsAsync(browser.App, invoiceId, partnerId);

        // The partner sees the earning and the totals: 30% of $129.00 leaves $90.30.
        await partner.ReloadAsync();
        await Assertions.Expect(partner.Locator("#earnings .earning-row")).ToHaveCountAsync(1);
        await Assertions.Expect(partner.Locator("#earnings .total[data-currency=USD] .total-net")).ToHaveTextAsync("$90.30");
        await Assertions.Expect(partner.Locator("#earnings svg rect.bar")).ToHaveCountAsync(1);

        // The admin generates, approves and marks the payout paid, each swapping the payouts table.
        await admin.ReloadAsync();
        await admin.ClickAsync("#payouts button:has-text('Generate payouts')");
        var payoutRow = admin.Locator("#payouts tbody tr");
        await Assertions.Expect(payoutRow.Locator(".badge")).ToHaveTextAsync("owed");
        await Assertions.Expect(payoutRow).ToContainTextAsync("$90.30");
        await admin.ClickAsync("#payouts button:has-text('Approve')");
        await Assertions.Expect(admin.Locator("#payouts tbody tr .badge")).ToHaveTextAsync("approved");
        await admin.FillAsync("#payouts input[name=reference]", "SEPA-4711");
        await admin.ClickAsync("#payouts button:has-text('Mark paid')");
        await Assertions.Expect(admin.Locator("#payouts tbody tr .badge")).ToHaveTextAsync("paid");
        await Assertions.Expect(admin.Locator("#payouts tbody tr")).ToContainTextAsync("SEPA-4711");
        await admin.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-partner-detail.png"), FullPage = true });
        Assert.Equal([
            "Approve Acme Browser Partner as a partner? Their listed items start earning them commission.",
            "Generate payouts for Acme Browser Partner from everything payable now?",
            "Approve the payout of $90.30 to Acme Browser Partner?",
            "Mark the payout of $90.30 to Acme Browser Partner paid? Do this once the money has been sent.",
        ], asked);

        // The partner sees it paid.
        await partner.ReloadAsync();
        await Assertions.Expect(partner.Locator("#payouts tbody tr .badge")).ToHaveTextAsync("paid");
        await Assertions.Expect(partner.Locator("#earnings .earning-row")).ToContainTextAsync("in payout");
        await partner.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("partner-dashboard.png"), FullPage = true });
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task The_jobs_dashboard_renders_under_the_content_security_policy()
    {
        var admin = await browser.SignInAsync(Demo.PlatformAdmin);
        var failed = new List<string>();
        admin.Response += (_, response) => { if (response.Status >= 400) failed.Add($"{response.Status} {response.Url}"); };
        await admin.GotoAsync("/hangfire/recurring");
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Recurring Jobs" })).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("table")).ToContainTextAsync("reconcile");
        Assert.True(failed.Count == 0, "Failed requests: " + string.Join(", ", failed));
        browser.AssertNothingBlocked();
    }
}
