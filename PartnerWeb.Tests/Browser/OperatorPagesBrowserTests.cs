using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>The operator's audit log and partner page (Reject) in Chromium, on a desktop and a 390 px phone.</summary>
public sealed class OperatorPagesBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_audit_log_filters_by_tenant_and_action_loads_more_and_fits_a_phone()
    {
        // An action of the filter's list that nothing else in this app records.
        const string action = AuditActions.UserRoleChanged;
        for (var i = 0; i < Features.Audit.AuditPagesController.PageSize + 1; i++) await AuditSeed.RecordForTenantAsync(browser.App, "Initech Add-ons", action);
        await AuditSeed.RecordForTenantAsync(browser.App, "Globex", action);

        var page = await browser.SignInAsync(Demo.PlatformAdmin);
        await page.GotoAsync("/dashboard/admin/audit");
        await page.SelectOptionAsync("select[name=action]", action);
        await page.SelectOptionAsync("select[name=tenantId]", new SelectOptionValue { Label = "Globex" });
        await page.ClickAsync(".audit-filter button:has-text('Filter')");
        await Assertions.Expect(page.Locator(".audit-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".audit-row .audit-tenant")).ToHaveTextAsync("Globex");
        await Assertions.Expect(page.Locator(".audit-row .audit-data")).ToContainTextAsync("seeded by a test");
        Assert.Contains("tenantId=", page.Url);

        // Every tenant: 50 rows, then "Load more" appends the 52nd without leaving the page.
        await page.SelectOptionAsync("select[name=tenantId]", "");
        await page.ClickAsync(".audit-filter button:has-text('Filter')");
        await Assertions.Expect(page.Locator(".audit-row")).ToHaveCountAsync(Features.Audit.AuditPagesController.PageSize);
        await page.ClickAsync("#audit-more button:has-text('Load more')");
        await Assertions.Expect(page.Locator(".audit-row")).ToHaveCountAsync(Features.Audit.AuditPagesController.PageSize + 2);
        await Assertions.Expect(page.Locator("#audit-more")).ToHaveCountAsync(0);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("admin-audit.png") });

        // A filter that is not an id keeps what was typed and says why beside the field.
        await page.FillAsync("input[name=entityId]", "not-an-id");
        await page.ClickAsync(".audit-filter button:has-text('Filter')");
        await Assertions.Expect(page.Locator(".audit-filter .field-error")).ToContainTextAsync("Entity id must be an id");
        await Assertions.Expect(page.Locator("input[name=entityId]")).ToHaveValueAsync("not-an-id");
        await Assertions.Expect(page.Locator("select[name=action]")).ToHaveValueAsync(action);
        await Assertions.Expect(page.Locator(".audit-row")).ToHaveCountAsync(0);
        Assert.Contains("entityId=not-an-id", page.Url);

        var phone = await browser.SignInAsync(Demo.PlatformAdmin, width: 390, height: 844);
        await phone.GotoAsync($"/dashboard/admin/audit?action={action}");
        await Assertions.Expect(phone.Locator(".audit-row")).ToHaveCountAsync(Features.Audit.AuditPagesController.PageSize);
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "/dashboard/admin/audit scrolls sideways at 390 px");
        await phone.GotoAsync("/dashboard/admin/audit");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the whole audit log scrolls sideways at 390 px");
        await phone.ScreenshotAsync(new() { Path = ScreenshotPath("admin-audit-mobile.png") });
        await AssertFitsTheWidthAsync(phone);
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task The_operator_rejects_a_pending_application_after_confirming_and_the_tenant_applies_again()
    {
        using var umbrella = await browser.App.ClientAsAsync(Demo.UmbrellaOwner);
        var applied = await (await umbrella.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Umbrella Partner"))).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = applied.GetProperty("id").GetGuid();

        var phone = await browser.SignInAsync(Demo.PlatformAdmin, width: 390, height: 844);
        await phone.GotoAsync($"/dashboard/admin/partners/{partnerId}");
        await Assertions.Expect(phone.Locator("#partner-tenant")).ToHaveTextAsync("Umbrella Resellers");
        await Assertions.Expect(phone.Locator("#payout-method")).ToHaveTextAsync("Bank transfer");
        await Assertions.Expect(phone.Locator("#partner-header")).ToContainTextAsync("ending in 3000");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the partner page scrolls sideways at 390 px");
        var reject = await phone.Locator("button:has-text('Reject application')").BoundingBoxAsync();
        Assert.True(reject is not null && reject.X >= 0 && reject.X + reject.Width <= 390, "Reject is off-screen at 390 px");

        // Too long a reason (past the field's own limit): kept, with the message beside it, and nothing rejected.
        await phone.EvaluateAsync("document.getElementById('reject-reason').removeAttribute('maxlength')");
        var longReason = new string('x', 501);
        await phone.FillAsync("#reject-reason", longReason);
        phone.Dialog += (_, dialog) => dialog.AcceptAsync();
        await phone.ClickAsync("button:has-text('Reject application')");
        await Assertions.Expect(phone.Locator("#partner-header .field-error")).ToContainTextAsync("500");
        await Assertions.Expect(phone.Locator("#reject-reason")).ToHaveValueAsync(longReason);
        await Assertions.Expect(phone.Locator("#partner-header .badge")).ToHaveTextAsync("pending");

        string? asked = null;
        phone.Dialog += (_, dialog) => asked = dialog.Message;
        await phone.FillAsync("#reject-reason", "No company details");
        await phone.ClickAsync("button:has-text('Reject application')");
        await Assertions.Expect(phone.Locator("#partner-header .badge")).ToHaveTextAsync("rejected");
        await Assertions.Expect(phone.Locator("#rejected-note")).ToBeVisibleAsync();
        await Assertions.Expect(phone.Locator("button:has-text('Reject application')")).ToHaveCountAsync(0);
        Assert.Equal("Reject the application of Umbrella Partner? The tenant may apply again.", asked);
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the rejected partner page scrolls sideways at 390 px");
        Assert.Equal(1, await Flows.QueryAsync(browser.App, db => db.AuditEvents.CountAsync(a => a.EntityId == partnerId && a.Action == AuditActions.PartnerRejected)));

        // The tenant sees why its form is back and applies again: the same account, pending.
        var partner = await browser.SignInAsync(Demo.UmbrellaOwner);
        await partner.GotoAsync("/dashboard/partners");
        await Assertions.Expect(partner.Locator("#apply-rejected")).ToBeVisibleAsync();
        await Assertions.Expect(partner.Locator("#DisplayName")).ToHaveValueAsync("Umbrella Partner");
        await partner.FillAsync("#DisplayName", "Umbrella Partner Ltd");
        await partner.SelectOptionAsync("#PayoutMethod", "paypal");
        await partner.FillAsync("#PayPalEmail", "payouts@umbrella.example");
        await partner.ClickAsync("button:has-text('Apply')");
        await Assertions.Expect(partner.Locator("#partner-status .badge")).ToHaveTextAsync("pending");
        await phone.ReloadAsync();
        await Assertions.Expect(phone.Locator("#partner-header .badge")).ToHaveTextAsync("pending");
        await Assertions.Expect(phone.Locator("#payout-method")).ToHaveTextAsync("PayPal");
        await Assertions.Expect(phone.Locator("#partner-header")).ToContainTextAsync("payouts@umbrella.example");

        // The partner list at the desktop width, Reject's result and the balances column included.
        var desktop = await browser.SignInAsync(Demo.PlatformAdmin);
        await desktop.GotoAsync("/dashboard/admin/partners");
        await Assertions.Expect(desktop.Locator($"#partner-{partnerId} .badge")).ToHaveTextAsync("pending");
        await AssertFitsTheWidthAsync(desktop);
        browser.AssertNothingBlocked();
    }
}
