using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue item 1: /settings/users and /settings/password, through the same services as the API.</summary>
public sealed class UserPagesTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<HttpClient> BrowserAsAsync(string email, string password = PartnerWebFactory.Password)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, password);
        return client;
    }

    /// <summary>An htmx post as the page makes it: the antiforgery token in the header.</summary>
    private static async Task<(HttpStatusCode Status, string Html)> HtmxPostAsync(HttpClient browser, string path, Dictionary<string, string> fields)
    {
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/settings/password");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("RequestVerificationToken", token);
        var response = await browser.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_owner_adds_promotes_and_removes_a_user_and_the_section_says_what_happened()
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var ownerEmail = $"owner-{suffix}@pages.example";
        using var api = factory.CreateApiClient();
        var (created, _) = await Flows.ChildTenantAsync(umbrella, api, $"Pages {suffix}", ownerEmail);
        var ownerId = created.GetProperty("ownerUserId").GetGuid();
        using var owner = await BrowserAsAsync(ownerEmail, Flows.ChildOwnerPassword);

        var page = await owner.GetStringAsync("/settings/users");
        Assert.Contains(ownerEmail, page);
        Assert.Contains("href=\"/settings/users\"", page);
        Assert.DoesNotContain($"/settings/users/{ownerId}/remove", page); // not themselves

        var email = $"member-{suffix}@pages.example";
        var refused = await HtmxPostAsync(owner, "/settings/users", new() { ["Email"] = email, ["Role"] = "staff", ["Password"] = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("at least 12 characters", refused.Html);
        Assert.DoesNotContain("<html", refused.Html);
        Assert.DoesNotContain("value=\"short\"", refused.Html); // the password is not sent back
        Assert.Contains($"value=\"{email}\"", refused.Html);

        var added = await HtmxPostAsync(owner, "/settings/users", new() { ["Email"] = email, ["Role"] = "staff", ["Password"] = "Pages-member!123" });
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Contains($"{email} was added", added.Html);
        var memberId = await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

        var promoted = await HtmxPostAsync(owner, $"/settings/users/{memberId}/role", new() { ["role"] = "admin" });
        Assert.Equal((HttpStatusCode.OK, true), (promoted.Status, promoted.Html.Contains($"{email} is now admin")));
        var lastOwner = await HtmxPostAsync(owner, $"/settings/users/{ownerId}/role", new() { ["role"] = "staff" });
        Assert.Equal((HttpStatusCode.Conflict, true), (lastOwner.Status, lastOwner.Html.Contains("at least one owner")));
        var removed = await HtmxPostAsync(owner, $"/settings/users/{memberId}/remove", []);
        Assert.Equal((HttpStatusCode.OK, true), (removed.Status, removed.Html.Contains($"{email} was removed")));
        Assert.False(await Flows.QueryAsync(factory, db => db.Users.AnyAsync(u => u.Id == memberId)));
        Assert.Equal(UserRole.Owner, await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Id == ownerId).Select(u => u.Role).SingleAsync()));
    }

    [Fact]
    public async Task An_admin_is_offered_staff_only_and_staff_are_refused_the_page()
    {
        using var admin = await BrowserAsAsync(Demo.AcmeAdmin);
        var page = await admin.GetStringAsync("/settings/users");
        Assert.Contains(Demo.AcmeOwner, page);
        Assert.Contains("<option value=\"staff\"", page);
        Assert.DoesNotContain("<option value=\"owner\"", page);
        Assert.DoesNotContain("<option value=\"admin\"", page);

        using var staff = await BrowserAsAsync(Demo.AcmeStaff);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/settings/users")).StatusCode);
        var home = await staff.GetStringAsync("/");
        Assert.DoesNotContain("href=\"/settings/users\"", home);
        Assert.Contains("href=\"/settings/password\"", home);
    }

    [Fact]
    public async Task A_wrong_current_password_on_the_page_is_shown_beside_the_field_and_changes_nothing()
    {
        using var staff = await BrowserAsAsync(Demo.GlobexStaff);
        var hash = await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Email == Demo.GlobexStaff).Select(u => u.PasswordHash).SingleAsync());
        var answer = await HtmxPostAsync(staff, "/settings/password", new() { ["CurrentPassword"] = "Not-my-password!1", ["NewPassword"] = "Globex-staff-new!1" });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("The current password is not correct.", answer.Html);
        Assert.Equal(hash, await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Email == Demo.GlobexStaff).Select(u => u.PasswordHash).SingleAsync()));
    }
}
