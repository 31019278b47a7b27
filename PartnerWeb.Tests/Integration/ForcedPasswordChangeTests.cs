using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue item 1: an owner a reseller created (and a user an owner added) signs in with a password someone else
/// chose, and may do nothing but choose their own: the API answers 403 "Password change required", pages send
/// the browser to /settings/password.
/// </summary>
public sealed class ForcedPasswordChangeTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private const string OwnPassword = "My-very-own-secret!1";

    /// <summary>Umbrella creates a child tenant; returns its owner's email (password: <see cref="Flows.ResellerChosenPassword"/>).</summary>
    private async Task<(string Email, Guid UserId)> ResellerCreatedOwnerAsync()
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var email = $"owner-{suffix}@forced.example";
        var created = await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants", new { name = $"Forced {suffix}", ownerEmail = email, ownerPassword = Flows.ResellerChosenPassword }))
            .AssertJsonAsync(HttpStatusCode.Created);
        return (email, created.GetProperty("ownerUserId").GetGuid());
    }

    private async Task<(HttpClient Client, JsonElement User)> SignInAsync(string email, string password)
    {
        var client = factory.CreateApiClient();
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { email, password })).AssertJsonAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        return (client, token.GetProperty("user"));
    }

    private static async Task AssertPasswordChangeRequiredAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Password change required", problem.GetProperty("title").GetString());
    }

    private Task<int> RowsAsync() => Flows.QueryAsync(factory, async db => await db.Invoices.CountAsync() + await db.Users.CountAsync() + await db.AuditEvents.CountAsync());

    [Fact]
    public async Task Through_the_api_a_reseller_created_owner_may_only_read_who_they_are_and_change_the_password()
    {
        var (email, userId) = await ResellerCreatedOwnerAsync();
        var (client, user) = await SignInAsync(email, Flows.ResellerChosenPassword);
        using var _ = client;
        Assert.True(user.GetProperty("mustChangePassword").GetBoolean());
        var before = await RowsAsync();

        await AssertPasswordChangeRequiredAsync(await client.GetAsync("/api/marketplace/items"));
        await AssertPasswordChangeRequiredAsync(await client.GetAsync("/api/tenants/me/users"));
        await AssertPasswordChangeRequiredAsync(await client.GetAsync("/api/billing/invoices"));
        await AssertPasswordChangeRequiredAsync(await client.PostAsync($"/api/marketplace/items/{await Flows.TemplateIdAsync(factory)}/install", null));
        await AssertPasswordChangeRequiredAsync(await client.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application()));
        Assert.Equal(before, await RowsAsync());
        var me = await (await client.GetAsync("/api/auth/me")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());

        var changed = await (await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = Flows.ResellerChosenPassword, newPassword = OwnPassword }))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(changed.GetProperty("user").GetProperty("mustChangePassword").GetBoolean());
        client.DefaultRequestHeaders.Authorization = new("Bearer", changed.GetProperty("accessToken").GetString());
        await (await client.GetAsync("/api/marketplace/items")).AssertJsonAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/api/tenants/me/users")).AssertJsonAsync(HttpStatusCode.OK);

        var (again, signedIn) = await SignInAsync(email, OwnPassword);
        again.Dispose();
        Assert.False(signedIn.GetProperty("mustChangePassword").GetBoolean());
        Assert.False(await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Id == userId).Select(u => u.MustChangePassword).SingleAsync()));
        var audit = await Flows.QueryAsync(factory, db => db.AuditEvents.AsNoTracking().SingleAsync(a => a.EntityId == userId && a.Action == AuditActions.PasswordChanged));
        Assert.True(JsonDocument.Parse(audit.Data).RootElement.GetProperty("wasRequired").GetBoolean());
    }

    [Fact]
    public async Task The_reseller_chosen_password_passes_the_policy_and_the_new_one_must_differ()
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var weak = await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants", new { name = $"Weak {Guid.NewGuid():N}", ownerEmail = $"weak-{Guid.NewGuid():N}@forced.example", ownerPassword = "Child!2345" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(weak.GetProperty("errors").TryGetProperty("ownerPassword", out _));

        var (email, _) = await ResellerCreatedOwnerAsync();
        var (client, _) = await SignInAsync(email, Flows.ResellerChosenPassword);
        using var __ = client;
        await (await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = Flows.ResellerChosenPassword, newPassword = Flows.ResellerChosenPassword }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await AssertPasswordChangeRequiredAsync(await client.GetAsync("/api/marketplace/items"));
    }

    [Fact]
    public async Task A_user_an_owner_adds_also_chooses_their_own_password_first()
    {
        using var owner = await factory.ClientAsAsync(Demo.InitechOwner);
        var email = $"added-{Guid.NewGuid():N}@initech.example";
        await (await owner.PostAsJsonAsync("/api/tenants/me/users", new { email, role = "staff", password = "Given-by-the-owner!1" })).AssertJsonAsync(HttpStatusCode.Created);
        var (client, user) = await SignInAsync(email, "Given-by-the-owner!1");
        using var _ = client;
        Assert.True(user.GetProperty("mustChangePassword").GetBoolean());
        await AssertPasswordChangeRequiredAsync(await client.GetAsync("/api/billing/invoices"));
    }

    [Fact]
    public async Task In_the_browser_every_page_leads_to_the_password_page_until_the_owner_has_chosen_one()
    {
        var (email, userId) = await ResellerCreatedOwnerAsync();
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, email, Flows.ResellerChosenPassword);

        foreach (var page in new[] { "/", "/billing/invoices", "/dashboard/partners", "/settings/users" })
        {
            var response = await browser.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page}: {(int)response.StatusCode}");
            Assert.Equal("/settings/password", response.Headers.Location?.OriginalString);
        }
        using (var htmx = new HttpRequestMessage(HttpMethod.Get, "/billing/invoices"))
        {
            htmx.Headers.Add("HX-Request", "true");
            var response = await browser.SendAsync(htmx);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("/settings/password", Assert.Single(response.Headers.GetValues("HX-Redirect")));
        }

        var form = await browser.GetAsync("/settings/password");
        var html = await form.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("Choose your own password", html);
        Assert.DoesNotContain("href=\"/billing/invoices\"", html);

        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/settings/password");
        var wrong = await browser.PostAsync("/settings/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["CurrentPassword"] = Flows.ResellerChosenPassword, ["NewPassword"] = "too-short",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("at least 12 characters", await wrong.Content.ReadAsStringAsync());

        var done = await browser.PostAsync("/settings/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["CurrentPassword"] = Flows.ResellerChosenPassword, ["NewPassword"] = OwnPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/settings/password?changed=True", done.Headers.Location?.OriginalString);
        Assert.Contains("Your password was changed", await browser.GetStringAsync("/settings/password?changed=True"));

        // The cookie was issued again without the flag: the same browser goes on, still signed in.
        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(email, await home.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/settings/users")).StatusCode);
        Assert.False(await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Id == userId).Select(u => u.MustChangePassword).SingleAsync()));
    }

    [Fact]
    public async Task A_user_who_must_change_the_password_may_still_sign_out()
    {
        var (email, _) = await ResellerCreatedOwnerAsync();
        var (client, _) = await SignInAsync(email, Flows.ResellerChosenPassword);
        using var _ = client;
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
