using System.Net;
using System.Net.Http.Headers;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>/docs/api is a page for signed-in users; /openapi/v1.json is for signed-in users by cookie or token.</summary>
public sealed class ApiReferenceAccessTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private HttpClient Browser() => factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    [Theory]
    [InlineData("/docs/api")]
    [InlineData("/docs/api/")]
    public async Task Anonymous_visitors_of_the_reference_are_sent_to_login(string path)
    {
        using var client = Browser();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData(Demo.GlobexStaff)]
    [InlineData(Demo.PlatformAdmin)]
    public async Task A_signed_in_user_gets_the_reference_and_the_document_it_loads(string email)
    {
        using var client = Browser();
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);

        var redirect = await client.GetAsync("/docs/api");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/docs/api/", new Uri(new Uri("http://localhost/docs/api"), redirect.Headers.Location!).AbsolutePath);

        var page = await client.GetAsync("/docs/api/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>PartnerWeb API reference</title>", html);
        Assert.Contains("openapi/v1.json", html);

        // The page fetches the document and its script from the browser, with the same cookie.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs/api/scalar.js")).StatusCode);
        var document = await (await client.GetAsync("/openapi/v1.json")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("PartnerWeb API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_document_answers_401_without_a_cookie_or_a_token_and_200_with_a_token()
    {
        using var anonymous = factory.CreateApiClient();
        await (await anonymous.GetAsync("/openapi/v1.json")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var wrongToken = factory.CreateApiClient();
        wrongToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        await (await wrongToken.GetAsync("/openapi/v1.json")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var curl = await factory.ClientAsAsync(Demo.GlobexStaff);
        await (await curl.GetAsync("/openapi/v1.json")).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_still_does_not_open_pages_and_the_cookie_still_does_not_open_the_api()
    {
        using var curl = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var page = await curl.GetAsync("/docs/api/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);

        using var client = Browser();
        await CookieLogin.SignInAsync(client, Demo.PlatformAdmin, PartnerWebFactory.Password);
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
