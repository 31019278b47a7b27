using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Tickets are checked against the user as the database has it now, and can be revoked.</summary>
public sealed class SessionRevocationTests(SessionRevocationTests.ClockFactory factory) : IClassFixture<SessionRevocationTests.ClockFactory>
{
    public sealed class ClockFactory() : PartnerWebFactory(null, new Dictionary<string, string?> { ["Auth:CookieMaxHours"] = "12" })
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    private const string Password = "a long enough password";

    private HttpClient Browser() => factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A user of its own, so revoking it touches no other test.</summary>
    private async Task<(Guid Id, string Email)> NewUserAsync(string tenantName, UserRole role)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Name == tenantName);
        var user = new User
        {
            Id = Guid.CreateVersion7(), TenantId = tenant.Id, Email = $"{Guid.NewGuid():N}@revocation.example",
            Role = role, PasswordHash = "", CreatedAt = DateTime.UtcNow,
        };
        user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>().HashPassword(user, Password);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return (user.Id, user.Email);
    }

    private async Task<HttpClient> TokenClientAsync(string email)
    {
        var client = factory.CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password = Password });
        var token = (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task ChangeUserAsync(Guid id, Action<User> change)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        change(await db.Users.SingleAsync(u => u.Id == id));
        await db.SaveChangesAsync();
    }

    /// <summary>What someone holding the key ring could mint: any claims, any lifetime.</summary>
    private string ForgeBearer(Guid userId, Guid tenantId, string role, bool platformAdmin, string? stamp, TimeSpan lifetime)
    {
        var claims = new List<System.Security.Claims.Claim>
        {
            new(PartnerClaims.UserId, userId.ToString()), new(PartnerClaims.Email, "forged@example.com"),
            new(PartnerClaims.Role, role), new(PartnerClaims.TenantId, tenantId.ToString()),
            new(PartnerClaims.TenantName, "Forged"), new(PartnerClaims.PlatformAdmin, platformAdmin ? "true" : "false"),
            new(PartnerClaims.SignedInAt, factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString()),
        };
        if (stamp is not null) claims.Add(new(PartnerClaims.SecurityStamp, stamp));
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims, AuthSchemes.Bearer));
        var now = factory.Clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + lifetime };
        var options = factory.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(AuthSchemes.BearerToken);
        return options.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, $"{AuthSchemes.BearerToken}:AccessToken"));
    }

    private async Task<HttpStatusCode> StatusWithBearerAsync(string token, string path)
    {
        using var client = factory.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync(path)).StatusCode;
    }

    private async Task<(Guid UserId, Guid TenantId, string Stamp)> PlatformAdminRowAsync() =>
        await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Email == Demo.PlatformAdmin)
            .Select(u => new ValueTuple<Guid, Guid, string>(u.Id, u.TenantId, u.SecurityStamp)).SingleAsync());

    [Fact]
    public async Task A_forged_token_for_a_user_who_does_not_exist_is_refused()
    {
        var (_, platformTenant, _) = await PlatformAdminRowAsync();
        var forged = ForgeBearer(Guid.NewGuid(), platformTenant, "owner", platformAdmin: true, stamp: "whatever", TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(forged, "/api/partners"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(forged, "/api/auth/me"));
    }

    [Fact]
    public async Task A_forged_token_is_refused_unless_every_claim_matches_the_database()
    {
        var (userId, tenantId, stamp) = await PlatformAdminRowAsync();
        var minutes = TimeSpan.FromMinutes(10);
        // The control: with everything right the forged ticket works, so each refusal below is for its one difference.
        Assert.Equal(HttpStatusCode.OK, await StatusWithBearerAsync(ForgeBearer(userId, tenantId, "admin", true, stamp, minutes), "/api/partners"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(ForgeBearer(userId, tenantId, "admin", true, null, minutes), "/api/partners"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(ForgeBearer(userId, tenantId, "admin", true, "0123456789abcdef0123456789abcdef", minutes), "/api/partners"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(ForgeBearer(userId, tenantId, "owner", true, stamp, minutes), "/api/partners"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(ForgeBearer(userId, Guid.NewGuid(), "admin", true, stamp, minutes), "/api/partners"));
        // A lifetime longer than Auth:TokenLifetimeMinutes (60) is refused however valid the rest is.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(ForgeBearer(userId, tenantId, "admin", true, stamp, TimeSpan.FromDays(365)), "/api/partners"));
    }

    [Fact]
    public async Task A_staff_member_cannot_claim_to_be_a_platform_admin()
    {
        var staff = await Flows.QueryAsync(factory, db => db.Users.SingleAsync(u => u.Email == Demo.PlatformStaff));
        var forged = ForgeBearer(staff.Id, staff.TenantId, "staff", platformAdmin: true, staff.SecurityStamp, TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBearerAsync(forged, "/api/partners"));
    }

    [Fact]
    public async Task A_forged_cookie_for_a_user_who_does_not_exist_opens_neither_the_dashboard_nor_hangfire()
    {
        var (_, platformTenant, _) = await PlatformAdminRowAsync();
        var options = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AuthSchemes.Cookie);
        var now = factory.Clock.GetUtcNow();
        var user = new UserInfo(Guid.NewGuid(), "ghost@platform.example", UserRole.Owner, platformTenant, "Platform HQ", true);
        var ticket = new AuthenticationTicket(PartnerClaims.CreatePrincipal(user, "stamp", now, AuthSchemes.Cookie),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(1) }, AuthSchemes.Cookie);
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{options.Cookie.Name}={options.TicketDataFormat.Protect(ticket)}");

        foreach (var path in new[] { "/dashboard/admin/partners", "/hangfire", "/" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task An_old_token_stops_working_after_demotion_removal_or_a_new_stamp()
    {
        var demoted = await NewUserAsync("Acme Templates", UserRole.Owner);
        using (var client = await TokenClientAsync(demoted.Email))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
            await ChangeUserAsync(demoted.Id, u => u.Role = UserRole.Staff);
            await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var removed = await NewUserAsync("Acme Templates", UserRole.Admin);
        using (var client = await TokenClientAsync(removed.Email))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
            using var scope = factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Users.Where(u => u.Id == removed.Id).ExecuteDeleteAsync();
            await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var rotated = await NewUserAsync("Acme Templates", UserRole.Admin);
        using (var client = await TokenClientAsync(rotated.Email))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
            await ChangeUserAsync(rotated.Id, u => u.RotateSecurityStamp());
            await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Api_logout_ends_every_token_and_cookie_of_the_user_and_is_audited()
    {
        var user = await NewUserAsync("Globex", UserRole.Owner);
        using var first = await TokenClientAsync(user.Email);
        using var second = await TokenClientAsync(user.Email);
        using var browser = Browser();
        await CookieLogin.SignInAsync(browser, user.Email, Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/auth/logout", null)).StatusCode);

        await (await first.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await second.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
        var audits = await Flows.QueryAsync(factory, db => db.AuditEvents
            .CountAsync(a => a.Action == AuditActions.UserSignedOut && a.EntityId == user.Id && a.ActorUserId == user.Id));
        Assert.Equal(1, audits);

        // Signing in again works and gives a working token.
        using var again = await TokenClientAsync(user.Email);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_copy_of_the_cookie_taken_before_page_logout_is_sent_to_login()
    {
        var user = await NewUserAsync("Globex", UserRole.Owner);
        var cookieName = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AuthSchemes.Cookie).Cookie.Name!;
        using var browser = Browser();
        var login = await CookieLogin.PostLoginAsync(browser, user.Email, Password, await CookieLogin.AntiforgeryTokenAsync(browser));
        var cookie = CookieValue(login, cookieName) ?? throw new InvalidOperationException("The login set no cookie.");

        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/");
        var logout = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        using var stolen = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        stolen.DefaultRequestHeaders.Add("Cookie", $"{cookieName}={cookie}");
        var response = await stolen.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_busy_cookie_still_ends_at_the_absolute_lifetime()
    {
        var user = await NewUserAsync("Globex", UserRole.Owner);
        using var browser = Browser();
        await CookieLogin.SignInAsync(browser, user.Email, Password);
        // Active every few hours: the idle window (8 h) slides on, but not past 12 h from the sign-in.
        for (var hours = 0; hours < 11; hours += 5)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
            factory.Clock.Advance(TimeSpan.FromHours(5));
        }
        var response = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
    }

    private static string? CookieValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).Where(v => v.StartsWith(name + "=")).Select(v => v[(name.Length + 1)..]).FirstOrDefault()
            : null;
}
