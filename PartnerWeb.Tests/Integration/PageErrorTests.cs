using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>A page whose action fails, as a bug would.</summary>
[Authorize]
[Route("test/failing-page")]
public sealed class FailingPageTestController : Controller
{
    [HttpGet]
    public IActionResult Get() => throw new InvalidOperationException("Secret detail 4711 that must stay in the log");
}

public sealed class FailingPageFactory : PartnerWebFactory
{
    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddControllers().AddApplicationPart(typeof(FailingPageTestController).Assembly);
}

/// <summary>Error answers of pages use the layout and say why; htmx gets one line in the flash area; the API keeps problem details.</summary>
public sealed class PageErrorTests(FailingPageFactory factory) : IClassFixture<FailingPageFactory>
{
    private async Task<HttpClient> BrowserAsync(string email)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        return client;
    }

    private static async Task<(HttpResponseMessage Response, string Html)> PageAsync(HttpClient client, HttpMethod method, string path, bool htmx = false)
    {
        var request = new HttpRequestMessage(method, path);
        if (htmx) request.Headers.Add("HX-Request", "true");
        else request.Headers.Accept.ParseAdd("text/html");
        var response = await client.SendAsync(request);
        return (response, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private static void AssertLayoutPage(HttpResponseMessage response, string html, HttpStatusCode status, params string[] texts)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<header class=\"topbar\">", html);
        Assert.Contains("Sign out", html);
        Assert.Contains($"Error {(int)status}", html);
        foreach (var text in texts) Assert.Contains(text, html);
    }

    [Fact]
    public async Task A_missing_page_is_a_404_page_in_the_layout()
    {
        using var client = await BrowserAsync(Demo.GlobexOwner);
        var (response, html) = await PageAsync(client, HttpMethod.Get, "/no-such-page");
        AssertLayoutPage(response, html, HttpStatusCode.NotFound, "Not found.", "There is nothing at this address");
    }

    [Fact]
    public async Task Opening_an_action_as_a_page_is_a_405_page_that_says_to_use_its_button()
    {
        using var client = await BrowserAsync(Demo.GlobexOwner);
        var (response, html) = await PageAsync(client, HttpMethod.Get, "/dashboard/partners/apply");
        AssertLayoutPage(response, html, HttpStatusCode.MethodNotAllowed, "Method not allowed.", "cannot be opened as a page");
    }

    [Theory]
    [InlineData(Demo.GlobexStaff, "/settings/users", "for owners and admins of an organisation; you are staff")]
    [InlineData(Demo.GlobexOwner, "/dashboard/admin/partners", "for platform admins")]
    public async Task A_refused_page_is_a_403_page_that_names_who_may_open_it(string email, string path, string why)
    {
        using var client = await BrowserAsync(email);
        var (response, html) = await PageAsync(client, HttpMethod.Get, path);
        AssertLayoutPage(response, html, HttpStatusCode.Forbidden, "You are not allowed to do this.", why);
    }

    [Fact]
    public async Task A_failing_page_is_a_500_page_with_a_reference_and_no_detail_of_the_exception()
    {
        using var client = await BrowserAsync(Demo.GlobexOwner);
        var (response, html) = await PageAsync(client, HttpMethod.Get, "/test/failing-page");
        AssertLayoutPage(response, html, HttpStatusCode.InternalServerError, "An unexpected error occurred.", "Reference");
        Assert.DoesNotContain("4711", html);
        Assert.DoesNotContain("InvalidOperationException", html);
    }

    [Fact]
    public async Task An_htmx_request_gets_one_line_for_the_flash_area_not_json()
    {
        using var client = await BrowserAsync(Demo.GlobexStaff);
        var (response, html) = await PageAsync(client, HttpMethod.Get, "/settings/users", htmx: true);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("#flash", Assert.Single(response.Headers.GetValues("HX-Retarget")));
        Assert.Equal("outerHTML", Assert.Single(response.Headers.GetValues("HX-Reswap")));
        Assert.StartsWith("<div id=\"flash\" class=\"error flash\" role=\"alert\">You are not allowed to do this.", html);
        Assert.DoesNotContain("<header", html);
    }

    [Fact]
    public async Task The_api_keeps_problem_details_even_when_html_is_accepted()
    {
        using var client = await factory.ClientAsAsync(Demo.GlobexOwner);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-endpoint");
        request.Headers.Accept.ParseAdd("text/html");
        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
