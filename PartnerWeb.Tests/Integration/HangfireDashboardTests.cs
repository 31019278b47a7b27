using System.Net;
using System.Net.Http.Headers;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class HangfireDashboardTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private HttpClient Browser() => factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_login()
    {
        using var client = Browser();
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData(Demo.PlatformStaff)]
    [InlineData(Demo.AcmeOwner)]
    [InlineData(Demo.GlobexStaff)]
    public async Task Signed_in_users_who_are_not_platform_admins_get_403(string email)
    {
        using var client = Browser();
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/hangfire")).StatusCode);
    }

    [Theory]
    [InlineData(Demo.PlatformOwner)]
    [InlineData(Demo.PlatformAdmin)]
    public async Task Platform_admins_open_the_dashboard(string email)
    {
        using var client = Browser();
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hangfire", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bearer_token_does_not_open_the_dashboard()
    {
        using var client = factory.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await factory.TokenAsync(Demo.PlatformOwner));
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync("/hangfire")).StatusCode);
    }
}
