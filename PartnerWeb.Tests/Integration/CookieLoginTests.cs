using System.Net;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class CookieLoginTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private HttpClient Browser() => factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Pages_redirect_anonymous_visitors_to_login()
    {
        using var client = Browser();
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_sets_the_cookie_and_the_home_page_shows_the_user_then_logout_ends_it()
    {
        using var client = Browser();
        await CookieLogin.SignInAsync(client, Demo.AcmeOwner, PartnerWebFactory.Password);

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("owner@acme.example", html);
        Assert.Contains("Acme Templates", html);

        var token = await CookieLogin.AntiforgeryTokenAsync(client, "/");
        var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_shows_a_readable_message_and_sets_no_cookie()
    {
        using var client = Browser();
        var response = await CookieLogin.PostLoginAsync(client, Demo.AcmeOwner, "nope", await CookieLogin.AntiforgeryTokenAsync(client));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invalid email or password.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Login_post_without_antiforgery_token_is_rejected()
    {
        using var client = Browser();
        await client.GetAsync("/login");
        var response = await CookieLogin.PostLoginAsync(client, Demo.AcmeOwner, PartnerWebFactory.Password, token: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Login_redirects_only_to_local_return_urls()
    {
        using var client = Browser();
        var token = await CookieLogin.AntiforgeryTokenAsync(client);
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Demo.AcmeOwner, ["Password"] = PartnerWebFactory.Password,
            ["ReturnUrl"] = "https://evil.example/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }
}
