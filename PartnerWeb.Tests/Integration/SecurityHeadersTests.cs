using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Security issue, item 5, in Production: the headers on a page, an API answer, a CSV download, /hangfire and
/// the API reference (the one relaxed policy); HSTS; no-store on /api/auth; __Host- Secure cookies; a login
/// redirect that names no host whatever Host the client sent.
/// </summary>
public sealed partial class SecurityHeadersTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string Hsts = "max-age=31536000";

    private static void AssertHardened(HttpResponseMessage response, string? policy = SecurityHeaders.Policy)
    {
        var where = $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} ({(int)response.StatusCode})";
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"no CSP on {where}");
        if (policy is not null) Assert.Equal(policy, Assert.Single(csp));
        Assert.Contains("frame-ancestors 'none'", csp.Single());
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal(Hsts, Header(response, "Strict-Transport-Security"));
        Assert.False(response.Headers.Contains("Server"), $"Server header on {where}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    [Fact]
    public async Task A_page_signed_out_and_signed_in_carries_them()
    {
        using var client = factory.Browser();
        AssertHardened(await client.GetAsync("/login"));
        await CookieLogin.SignInAsync(client, Demo.AcmeOwner, PartnerWebFactory.Password);
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        AssertHardened(home);
        // Pages load only their own files: no inline script the policy would block.
        Assert.DoesNotMatch(InlineScript(), await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_answers_carry_them_and_auth_answers_are_not_stored()
    {
        using var anonymous = factory.CreateApiClient();
        var token = await anonymous.PostAsync("/api/auth/token", JsonContent.Create(new { email = Demo.AcmeOwner, password = PartnerWebFactory.Password }));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        AssertHardened(token);
        Assert.Equal("no-store", token.Headers.CacheControl?.ToString());

        using var client = await factory.ClientAsAsync(Demo.AcmeOwner);
        var me = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        AssertHardened(me);
        Assert.Equal("no-store", me.Headers.CacheControl?.ToString());

        var items = await client.GetAsync("/api/marketplace/items");
        Assert.Equal(HttpStatusCode.OK, items.StatusCode);
        AssertHardened(items);
        Assert.NotEqual("no-store", items.Headers.CacheControl?.ToString());

        // Error answers too: they are written after the exception handler cleared the response.
        AssertHardened(await anonymous.GetAsync("/api/auth/me"));
    }

    [Fact]
    public async Task A_csv_download_carries_them()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        using var owner = await factory.ClientAsAsync(Demo.InitechOwner);
        var csv = await owner.GetAsync($"/api/partners/{partnerId}/earnings.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        AssertHardened(csv);
    }

    [Fact]
    public async Task The_hangfire_dashboard_carries_them()
    {
        using var client = factory.Browser();
        await CookieLogin.SignInAsync(client, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var dashboard = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        AssertHardened(dashboard);
    }

    [Fact]
    public async Task The_api_reference_alone_allows_its_own_nonced_scripts_and_inline_styles()
    {
        using var client = factory.Browser();
        await CookieLogin.SignInAsync(client, Demo.GlobexStaff, PartnerWebFactory.Password);
        var page = await client.GetAsync("/docs/api/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertHardened(page, policy: null);

        var csp = Header(page, "Content-Security-Policy")!;
        var nonce = Assert.Single(Regex.Matches(csp, "'nonce-([^']+)'")).Groups[1].Value;
        Assert.Equal(SecurityHeaders.ReferencePolicy(nonce), csp);
        var html = await page.Content.ReadAsStringAsync();
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s.Value));

        // A fresh nonce for every answer.
        var again = await client.GetAsync("/docs/api/");
        Assert.DoesNotContain(nonce, Header(again, "Content-Security-Policy"));
        // Its script files and the document it loads are held to the strict policy.
        AssertHardened(await client.GetAsync("/docs/api/scalar.js"));
        AssertHardened(await client.GetAsync("/openapi/v1.json"));
        Assert.DoesNotContain("unsafe-inline", SecurityHeaders.Policy);
    }

    [Fact]
    public async Task The_login_and_antiforgery_cookies_are_secure_and_host_prefixed()
    {
        using var client = factory.Browser();
        var login = await client.GetAsync("/login");
        AssertHostCookie(login, "__Host-partnerweb.antiforgery");

        var signedIn = await CookieLogin.PostLoginAsync(client, Demo.AcmeOwner, PartnerWebFactory.Password, await CookieLogin.AntiforgeryTokenAsync(client));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        AssertHostCookie(signedIn, "__Host-partnerweb.auth");
        // The prefixed cookie is the one pages and the OpenAPI document accept.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static void AssertHostCookie(HttpResponseMessage response, string name)
    {
        var cookie = response.Headers.GetValues("Set-Cookie").SingleOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        Assert.True(cookie is not null, $"no {name} cookie in: {string.Join(" | ", response.Headers.GetValues("Set-Cookie"))}");
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains("httponly", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_login_redirect_names_no_host_even_when_the_client_sent_another()
    {
        using var client = factory.Browser(new Uri("https://evil.example"));
        var page = await client.GetAsync("/billing/invoices");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fbilling%2Finvoices", page.Headers.Location!.OriginalString);

        var fragment = new HttpRequestMessage(HttpMethod.Get, "/billing/invoices");
        fragment.Headers.Add("HX-Request", "true");
        var htmx = await client.SendAsync(fragment);
        Assert.Equal(HttpStatusCode.Unauthorized, htmx.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fbilling%2Finvoices", Header(htmx, "HX-Redirect"));
    }

    [Fact]
    public void Kestrel_sends_no_server_header()
    {
        // The test server sends none of its own; what Kestrel would send is its option (DevelopmentHeadersTests runs Kestrel itself).
        Assert.False(factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
