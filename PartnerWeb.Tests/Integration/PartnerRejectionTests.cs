using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue 18: a platform admin rejects a pending application (audited), and the tenant may apply again.</summary>
public sealed class PartnerRejectionTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private static object Application(string name, string email) => new
    {
        displayName = name, contactEmail = email, country = "de",
        payoutPreferences = new { method = "paypal", email = "payouts@globex.example" },
    };

    [Fact]
    public async Task A_rejected_application_is_audited_refused_twice_and_the_tenant_applies_again_on_the_same_account()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var applied = await (await globex.PostAsJsonAsync("/api/partners/apply", Application("Globex Partner", "partners@globex.example")))
            .AssertJsonAsync(HttpStatusCode.Created);
        var id = applied.GetProperty("id").GetGuid();

        var rejected = await (await admin.PostAsJsonAsync($"/api/partners/{id}/reject", new { reason = "  No company details  " })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        var audit = await Flows.QueryAsync(factory, db => db.AuditEvents.Where(a => a.EntityId == id && a.Action == AuditActions.PartnerRejected).ToListAsync());
        var row = Assert.Single(audit);
        var globexTenant = await Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.Name == "Globex").Select(t => t.Id).SingleAsync());
        Assert.Equal(globexTenant, row.TenantId);
        var data = JsonDocument.Parse(row.Data).RootElement;
        Assert.Equal(("pending", "rejected", "No company details"), (data.GetProperty("from").GetString(), data.GetProperty("to").GetString(), data.GetProperty("reason").GetString()));

        // Twice is a conflict that writes nothing; so is approving or suspending a rejected account.
        var again = await (await admin.PostAsync($"/api/partners/{id}/reject", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Only a pending partner can become rejected. This one is rejected.", again.GetProperty("title").GetString());
        await (await admin.PostAsync($"/api/partners/{id}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == id && a.Action == AuditActions.PartnerRejected)));

        // The partner sees its account as rejected; applying again puts the same account back to pending with the new details.
        Assert.Equal("rejected", (await (await globex.GetAsync("/api/partners/me")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        var reapplied = await (await globex.PostAsJsonAsync("/api/partners/apply", Application("Globex Partner GmbH", "partnerships@globex.example")))
            .AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal((id, "pending", "Globex Partner GmbH", "partnerships@globex.example", "DE"), (reapplied.GetProperty("id").GetGuid(),
            reapplied.GetProperty("status").GetString(), reapplied.GetProperty("displayName").GetString(),
            reapplied.GetProperty("contactEmail").GetString(), reapplied.GetProperty("country").GetString()));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.PartnerAccounts.CountAsync(p => p.TenantId == globexTenant)));
        var applications = await Flows.QueryAsync(factory, db => db.AuditEvents
            .Where(a => a.EntityId == id && a.Action == AuditActions.PartnerApplied).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => a.Data).ToListAsync());
        Assert.Equal(2, applications.Count);
        Assert.Equal("rejected", JsonDocument.Parse(applications[1]).RootElement.GetProperty("from").GetString());
        Assert.Equal("Globex Partner GmbH", JsonDocument.Parse(applications[1]).RootElement.GetProperty("displayName").GetString());

        // Pending again: a third application is the usual conflict, and the admin may now approve it.
        await (await globex.PostAsJsonAsync("/api/partners/apply", Application("Third", "x@globex.example"))).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/partners/{id}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/partners/{id}/reject", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(Demo.InitechOwner)]
    [InlineData(Demo.PlatformStaff)]
    [InlineData(Demo.AcmeAdmin)]
    public async Task Only_platform_admins_reject_and_a_refusal_writes_nothing(string email)
    {
        var id = await PendingAsync(Demo.UmbrellaOwner, "Umbrella Partner");
        using var client = await factory.ClientAsAsync(email);
        await (await client.PostAsJsonAsync($"/api/partners/{id}/reject", new { reason = "not mine to say" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(PartnerStatus.Pending, await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Equal(0, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == id && a.Action == AuditActions.PartnerRejected)));
    }

    [Fact]
    public async Task Rejecting_an_unknown_partner_is_404_and_a_long_reason_is_400()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsync($"/api/partners/{Guid.NewGuid()}/reject", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        var id = await PendingAsync(Demo.UmbrellaOwner, "Umbrella Partner");
        var tooLong = await (await admin.PostAsJsonAsync($"/api/partners/{id}/reject", new { reason = new string('r', 501) })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(tooLong.GetProperty("errors").TryGetProperty("reason", out _), tooLong.ToString());
        Assert.Equal(PartnerStatus.Pending, await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task The_partner_page_rejects_with_confirmation_keeps_a_bad_reason_and_answers_409_the_second_time()
    {
        var id = await PendingAsync(Demo.AcmeOwner, "Acme Partner");
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var page = await browser.GetStringAsync($"/dashboard/admin/partners/{id}");
        Assert.Contains("hx-confirm=\"Reject the application of Acme Partner? The tenant may apply again.\"", page);
        Assert.Contains("<dd id=\"partner-tenant\">Acme Templates</dd>", page);
        Assert.Contains("<dt>IBAN</dt><dd class=\"payout-detail\">ending in 3000</dd>", page);
        Assert.DoesNotContain("DE89370400440532013000", page);
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, $"/dashboard/admin/partners/{id}");

        var bad = await PostAsync(browser, $"/dashboard/admin/partners/{id}/reject", token, new string('x', 501));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains(new string('x', 501), badHtml);
        Assert.Contains("field-error", badHtml);
        Assert.Equal(PartnerStatus.Pending, await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));

        var done = await PostAsync(browser, $"/dashboard/admin/partners/{id}/reject", token, "Duplicate application");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var doneHtml = await done.Content.ReadAsStringAsync();
        Assert.StartsWith("<section class=\"card\" id=\"partner-header\">", doneHtml.TrimStart());
        Assert.Contains("badge-rejected", doneHtml);
        Assert.Contains("id=\"rejected-note\"", doneHtml);
        Assert.DoesNotContain("/reject\"", doneHtml);
        var audited = await Flows.QueryAsync(factory, db => db.AuditEvents
            .Where(a => a.EntityId == id && a.Action == AuditActions.PartnerRejected).Select(a => a.Data).SingleAsync());
        Assert.Equal("Duplicate application", JsonDocument.Parse(audited).RootElement.GetProperty("reason").GetString());

        var twice = await PostAsync(browser, $"/dashboard/admin/partners/{id}/reject", token, null);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("Only a pending partner can become rejected. This one is rejected.", await twice.Content.ReadAsStringAsync());
    }

    private async Task<Guid> PendingAsync(string owner, string name)
    {
        var existing = await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => db.Users.Any(u => u.Email == owner && u.TenantId == p.TenantId))
            .Select(p => (Guid?)p.Id).SingleOrDefaultAsync());
        if (existing is { } id)
        {
            await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PartnerStatus.Pending)));
            return id;
        }
        using var client = await factory.ClientAsAsync(owner);
        var applied = await (await client.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application(name))).AssertJsonAsync(HttpStatusCode.Created);
        return applied.GetProperty("id").GetGuid();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, string token, string? reason)
    {
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token };
        if (reason is not null) fields["Reason"] = reason;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("HX-Request", "true");
        return browser.SendAsync(request);
    }
}
