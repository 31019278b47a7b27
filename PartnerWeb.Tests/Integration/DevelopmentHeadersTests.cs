using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Security issue, item 5, where it differs in Development (plain http on a developer's machine): the same
/// Content-Security-Policy, but no HSTS and plain cookie names; and what holds in any environment: Kestrel
/// names no server, and a Host outside AllowedHosts is refused.
/// </summary>
public sealed class DevelopmentHeadersTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task Development_sends_the_policy_but_no_hsts_even_over_https_and_plain_cookie_names()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://partnerweb.example"),
        });
        var login = await client.GetAsync("/login");
        Assert.Equal(SecurityHeaders.Policy, login.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(login.Headers.Contains("Strict-Transport-Security"));
        Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("partnerweb.antiforgery=", StringComparison.Ordinal));

        var signedIn = await CookieLogin.PostLoginAsync(client, Demo.AcmeOwner, PartnerWebFactory.Password, await CookieLogin.AntiforgeryTokenAsync(client));
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("partnerweb.auth=", StringComparison.Ordinal));
        // Secure only because this request was https: over plain http the browser must still get it.
        Assert.Contains("secure", cookie);
    }

    [Fact]
    public async Task Over_plain_http_the_development_cookies_are_not_secure()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var signedIn = await CookieLogin.PostLoginAsync(client, Demo.AcmeOwner, PartnerWebFactory.Password, await CookieLogin.AntiforgeryTokenAsync(client));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.All(signedIn.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Kestrel_answers_without_a_server_header()
    {
        await using var app = PartnerWebFactory.On(null);
        var port = Browser.BrowserFixture.FreePort();
        app.UseKestrel(port);
        app.StartServer();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"), "Server: " + string.Join(", ", response.Headers.TryGetValues("Server", out var v) ? v : []));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_host_outside_allowed_hosts_is_refused()
    {
        await using var app = PartnerWebFactory.On(null, new Dictionary<string, string?> { ["AllowedHosts"] = "partnerweb.example;*.partnerweb.example" });
        using var allowed = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://partnerweb.example") });
        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync("/healthz")).StatusCode);
        using var sub = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://eu.partnerweb.example") });
        Assert.Equal(HttpStatusCode.OK, (await sub.GetAsync("/healthz")).StatusCode);
        using var evil = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://evil.example"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.BadRequest, (await evil.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await evil.GetAsync("/billing/invoices")).StatusCode);
    }
}
