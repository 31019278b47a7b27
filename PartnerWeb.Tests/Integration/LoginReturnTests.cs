using System.Net;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// A post made after the session ended sends the user to the login page with the page it came from as ReturnUrl
/// (never the post's own URL, which would answer 405 after signing in), taken only from this site.
/// </summary>
public sealed class LoginReturnTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private const string Page = "/dashboard/admin/partners/0196f2a0-0000-7000-8000-000000000001";
    private const string Action = Page + "/payouts/generate";

    private HttpClient Anonymous() => factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    private static string Login(string returnUrl) => "/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl);

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([]) };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("http://localhost" + Page + "?from=2026-01-01", Page + "?from=2026-01-01")]
    [InlineData("https://evil.example" + Page, "/")]
    [InlineData("http://localhost:8080" + Page, "/")]
    [InlineData("http://localhost//evil.example/x", "/")]
    [InlineData("not a url", "/")]
    public async Task A_form_post_returns_to_the_referring_page_of_this_site_only(string referer, string expected)
    {
        using var client = Anonymous();
        var response = await PostAsync(client, Action, ("Referer", referer));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Login(expected), response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_form_post_without_a_referer_returns_home()
    {
        using var client = Anonymous();
        var response = await PostAsync(client, Action);
        Assert.Equal(Login("/"), response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_htmx_post_is_told_to_load_the_login_page_that_returns_to_the_current_page()
    {
        using var client = Anonymous();
        var response = await PostAsync(client, Action, ("HX-Request", "true"), ("HX-Current-URL", "http://localhost" + Page));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Login(Page), Assert.Single(response.Headers.GetValues("HX-Redirect")));
    }

    [Fact]
    public async Task A_page_visit_still_returns_to_itself()
    {
        using var client = Anonymous();
        var response = await client.GetAsync("/billing/invoices?before=x");
        Assert.Equal(Login("/billing/invoices?before=x"), response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signing_in_from_that_login_page_lands_on_the_page_not_on_the_post()
    {
        using var client = Anonymous();
        var login = (await PostAsync(client, "/billing/invoices/0196f2a0-0000-7000-8000-000000000002/pay", ("Referer", "http://localhost/billing/invoices"))).Headers.Location!.OriginalString;
        var form = await client.GetStringAsync(login);
        var returnUrl = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, "name=\"ReturnUrl\" value=\"([^\"]*)\"").Groups[1].Value);
        Assert.Equal("/billing/invoices", returnUrl);
        var token = await CookieLogin.AntiforgeryTokenAsync(client, login);
        var signedIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Demo.GlobexOwner, ["Password"] = PartnerWebFactory.Password, ["ReturnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal("/billing/invoices", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/billing/invoices")).StatusCode);
    }
}
