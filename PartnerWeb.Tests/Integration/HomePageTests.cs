using System.Net;
using System.Text.RegularExpressions;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The home page lists what the signed-in role can do, with links; the favicon is there for browsers that ask.</summary>
public sealed partial class HomePageTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<IReadOnlyList<string>> HomeLinksAsync(string email)
    {
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..];
        return HomeLink().Matches(main).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public async Task Staff_see_what_they_may_read_and_the_api_reference_but_nothing_to_manage()
    {
        var links = await HomeLinksAsync(Demo.GlobexStaff);
        Assert.Equal(["/marketplace", "/billing/invoices", "/marketplace#installs", "/settings/password", "/docs/api"], links);
    }

    [Fact]
    public async Task A_customer_owner_sees_buying_paying_users_and_becoming_a_partner()
    {
        var links = await HomeLinksAsync(Demo.GlobexOwner);
        Assert.Equal(["/marketplace", "/billing/invoices", "/marketplace#installs", "/settings/users", "/dashboard/partners", "/settings/password", "/docs/api"], links);
    }

    [Fact]
    public async Task A_platform_admin_sees_the_operator_pages_first()
    {
        var links = await HomeLinksAsync(Demo.PlatformAdmin);
        Assert.Equal(["/dashboard/admin/partners", "/dashboard/admin/billing", "/dashboard/admin/payouts", "/dashboard/admin/audit", "/dashboard/admin/tasks", "/hangfire"], links.Take(6));
        Assert.DoesNotContain("/dashboard/partners", links);
        Assert.Contains("/docs/api", links);
    }

    [Fact]
    public async Task A_partner_owner_sees_the_partner_dashboard_with_its_status()
    {
        await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, Demo.InitechOwner, PartnerWebFactory.Password);
        var html = await (await client.GetAsync("/")).Content.ReadAsStringAsync();
        Assert.Contains("Your partner account is approved.", html);
        Assert.Contains(">Partner dashboard</a>", html);
    }

    [Theory]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task The_favicon_answers_without_signing_in(string path, string type)
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [GeneratedRegex("""<li><a href="([^"]+)">""")]
    private static partial Regex HomeLink();
}
