using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue 18, operator pages: the audit log with its filters and paging, the dead accrual tasks, partner balances.</summary>
public sealed class OperatorPageTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<HttpClient> BrowserAsAsync(string email)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        return client;
    }

    private static Task<HttpResponseMessage> HtmxGetAsync(HttpClient client, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("HX-Request", "true");
        return client.SendAsync(request);
    }

    private static int Rows(string html) => Regex.Matches(html, "<tr class=\"audit-row\"").Count;

    [Fact]
    public async Task The_audit_page_filters_by_action_and_tenant_names_tenants_and_loads_more_newest_first()
    {
        var action = $"PAGE_{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        var initech = new List<Guid>();
        for (var i = 0; i < AuditPagesController.PageSize + 2; i++) initech.Add((await AuditSeed.RecordForTenantAsync(factory, "Initech Add-ons", action)).EventId);
        var globex = (await AuditSeed.RecordForTenantAsync(factory, "Globex", action)).EventId;
        var tenants = await Flows.QueryAsync(factory, db => db.Tenants.ToDictionaryAsync(t => t.Name, t => t.Id));
        using var admin = await BrowserAsAsync(Demo.PlatformAdmin);

        // Tenant filter: Globex's one event, named by the tenant's name, its data as label and value.
        var globexOnly = await admin.GetStringAsync($"/dashboard/admin/audit?action={action.ToLowerInvariant()}&tenantId={tenants["Globex"]}");
        Assert.Equal(1, Rows(globexOnly));
        Assert.Contains($"id=\"audit-{globex}\"", globexOnly);
        Assert.Contains("<td data-label=\"Tenant\" class=\"audit-tenant\">Globex</td>", globexOnly);
        Assert.Contains("<dt>note</dt><dd>seeded by a test</dd>", globexOnly);
        Assert.DoesNotContain($">{tenants["Globex"]}<", globexOnly);
        Assert.Contains($"<option value=\"{tenants["Globex"]}\" selected=\"selected\">Globex</option>", globexOnly);

        // Action filter over every tenant: a page of 50, newest first, and "Load more" brings the rest.
        var first = await admin.GetStringAsync($"/dashboard/admin/audit?action={action}");
        Assert.Equal(AuditPagesController.PageSize, Rows(first));
        var shown = Regex.Matches(first, "id=\"audit-([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(shown[0], globex);
        Assert.Equal(initech.AsEnumerable().Reverse().Take(AuditPagesController.PageSize - 1), shown.Skip(1));
        var more = Regex.Match(first, "hx-get=\"(/dashboard/admin/audit\\?[^\"]+)\"");
        Assert.True(more.Success, "no Load more on a full page");
        var next = await HtmxGetAsync(admin, System.Net.WebUtility.HtmlDecode(more.Groups[1].Value));
        var nextHtml = await next.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.DoesNotContain("<html", nextHtml);
        Assert.Equal(initech.Take(3).Reverse(), Regex.Matches(nextHtml, "id=\"audit-([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value)));
        Assert.DoesNotContain("Load more", nextHtml);

        // The filter through htmx answers the table only.
        var fragment = await (await HtmxGetAsync(admin, $"/dashboard/admin/audit?action={action}&tenantId={tenants["Acme Templates"]}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains("No events match.", fragment);
    }

    [Fact]
    public async Task A_bad_entity_id_keeps_the_filter_and_says_why_and_the_entity_type_filter_works_on_page_and_api()
    {
        using var admin = await BrowserAsAsync(Demo.PlatformAdmin);
        var bad = await admin.GetAsync("/dashboard/admin/audit?action=PARTNER_APPLIED&entityId=not-an-id");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.Contains("value=\"not-an-id\"", html);
        Assert.Contains("Entity id must be an id such as", html);
        Assert.Contains("<option value=\"PARTNER_APPLIED\" selected=\"selected\">", html);

        var (eventId, entityId) = await AuditSeed.RecordForTenantAsync(factory, "Globex", "TYPED_EVENT");
        var typed = await admin.GetStringAsync($"/dashboard/admin/audit?entityType=Test&entityId={entityId}");
        Assert.Contains($"id=\"audit-{eventId}\"", typed);
        Assert.Contains("No events match.", await admin.GetStringAsync($"/dashboard/admin/audit?entityType=Invoice&entityId={entityId}"));

        using var api = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var listed = await (await api.GetAsync($"/api/audit?entityType=Test&entityId={entityId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(eventId, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var none = await (await api.GetAsync($"/api/audit?entityType=Invoice&entityId={entityId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Empty(none.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData(Demo.PlatformStaff)]
    [InlineData(Demo.AcmeOwner)]
    public async Task Only_platform_admins_open_the_operator_pages(string email)
    {
        using var client = await BrowserAsAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/admin/tasks")).StatusCode);
    }

    [Fact]
    public async Task Dead_tasks_show_only_when_there_are_any_and_retry_through_the_service()
    {
        using var admin = await BrowserAsAsync(Demo.PlatformAdmin);
        var empty = await admin.GetStringAsync("/dashboard/admin/tasks");
        Assert.Contains("id=\"no-dead-tasks\"", empty);
        Assert.DoesNotContain("dead accrual tasks</a>", await admin.GetStringAsync("/dashboard/admin/audit"));

        using var buyer = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(buyer, await Flows.TemplateIdAsync(factory));
        var taskId = Guid.CreateVersion7();
        var number = await Flows.QueryAsync(factory, async db =>
        {
            db.AccrualTasks.Add(new AccrualTask
            {
                Id = taskId, InvoiceId = invoiceId, Kind = AccrualKind.Partner, Attempts = 5, LastError = "InvalidOperationException: poisoned",
                DeadAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            return await db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync();
        });

        var page = await admin.GetStringAsync("/dashboard/admin/tasks");
        Assert.Contains($"id=\"task-{taskId}\"", page);
        Assert.Contains(number, page);
        Assert.Contains("InvalidOperationException: poisoned", page);
        Assert.Contains($"hx-confirm=\"Retry the partner accrual of {number}?\"", page);
        Assert.DoesNotContain("id=\"no-dead-tasks\"", page);
        Assert.Contains("dead accrual tasks</a>", await admin.GetStringAsync("/dashboard/admin/audit"));

        var token = await CookieLogin.AntiforgeryTokenAsync(admin, "/dashboard/admin/tasks");
        var retried = await PostAsync(admin, $"/dashboard/admin/tasks/{taskId}/retry", token);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Contains("Retried: the partner task runs again.", await retried.Content.ReadAsStringAsync());
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.AccrualTaskRetried && a.EntityId == taskId)));
        var task = await Flows.QueryAsync(factory, db => db.AccrualTasks.AsNoTracking().SingleAsync(t => t.Id == taskId));
        Assert.True(task.DeadAt is null || task.Attempts > 0, "the retry did not revive the task");

        var again = await PostAsync(admin, $"/dashboard/admin/tasks/{taskId}/retry", token);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Only a dead accrual task can be retried.", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, $"/dashboard/admin/tasks/{Guid.NewGuid()}/retry", token)).StatusCode);
    }

    [Fact]
    public async Task The_partner_list_shows_each_partners_balance_per_currency()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        await Flows.QueryAsync(factory, async db =>
        {
            var now = DateTime.UtcNow;
            PartnerEarning Entry(string currency, long net, DateTime payableAt) => new()
            {
                Id = Guid.CreateVersion7(), PartnerId = partnerId, Kind = EntryKind.PayoutReturn, Currency = currency,
                GrossAmount = net, CommissionAmount = 0, PartnerNet = net, PayableAt = payableAt, CreatedAt = now,
            };
            db.PartnerEarnings.AddRange(Entry("USD", 1500, now.AddDays(-1)), Entry("USD", 500, now.AddDays(10)), Entry("EUR", 999, now.AddDays(-1)));
            return await db.SaveInTransactionAsync();
        });
        using var admin = await BrowserAsAsync(Demo.PlatformAdmin);
        var html = await admin.GetStringAsync("/dashboard/admin/partners");
        var row = Regex.Match(html, $"<tr id=\"partner-{partnerId}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Matches("data-currency=\"EUR\">\\s*<span class=\"amount \">&#x20AC;9.99</span>\\s*</div>", row);
        Assert.Matches("data-currency=\"USD\">\\s*<span class=\"amount \">\\$20.00</span>\\s*<span class=\"muted small-text\">\\(\\$15.00 payable now\\)</span>", row);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("HX-Request", "true");
        return browser.SendAsync(request);
    }
}
