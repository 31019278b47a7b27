using System.Net;
using System.Net.Http.Json;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class OnePartnerWriteFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
{
    // Two: the application through the API takes the first.
    ["RateLimiting:PartnerWrites:PermitLimit"] = "2",
    ["RateLimiting:PartnerWrites:WindowSeconds"] = "3600",
});

/// <summary>A page refused by the partner-write limit reads as words with the wait, not as JSON in the fragment; the API keeps problem details.</summary>
public sealed class PageRateLimitTests(OnePartnerWriteFactory factory) : IClassFixture<OnePartnerWriteFactory>
{
    [Fact]
    public async Task The_refused_click_says_when_to_retry_in_the_flash_area_and_the_api_keeps_its_problem()
    {
        // The partner's own dashboard is under the partner-write limit (the operator's pages are not).
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using var partner = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(partner, Demo.AcmeOwner, PartnerWebFactory.Password);
        var token = await CookieLogin.AntiforgeryTokenAsync(partner, "/dashboard/partners");

        HttpRequestMessage Save(bool htmx)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/partners/profile")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["ContactEmail"] = "partners@acme.example", ["PayoutMethod"] = "paypal", ["PayPalEmail"] = "payouts@acme.example",
                }),
            };
            if (htmx) request.Headers.Add("HX-Request", "true");
            else request.Headers.Accept.ParseAdd("text/html");
            return request;
        }

        Assert.Equal(HttpStatusCode.OK, (await partner.SendAsync(Save(htmx: true))).StatusCode);

        var refused = await partner.SendAsync(Save(htmx: true));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var seconds = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.InRange(seconds, 120, 3600);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("#flash", Assert.Single(refused.Headers.GetValues("HX-Retarget")));
        Assert.Equal($"<div id=\"flash\" class=\"error flash\" role=\"alert\">Too many requests. Try again in {(seconds + 59) / 60} minutes.</div>",
            await refused.Content.ReadAsStringAsync());

        // The same refusal as a plain form post is a page in the layout.
        var plain = await partner.SendAsync(Save(htmx: false));
        Assert.Equal(HttpStatusCode.TooManyRequests, plain.StatusCode);
        Assert.True(plain.Headers.Contains("Retry-After"));
        var html = WebUtility.HtmlDecode(await plain.Content.ReadAsStringAsync());
        Assert.Contains("<header class=\"topbar\">", html);
        Assert.Contains("Too many requests.", html);
        Assert.Contains("Try again in", html);

        // The API shares the partner's window and answers problem details.
        using var api = await factory.ClientAsAsync(Demo.AcmeOwner);
        var problem = await (await api.PostAsJsonAsync($"/api/partners/{partnerId}/listings", new { marketplaceItemId = Guid.NewGuid() }))
            .AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests.", problem.GetProperty("title").GetString());
        Assert.StartsWith("Try again in ", problem.GetProperty("detail").GetString());
    }
}
