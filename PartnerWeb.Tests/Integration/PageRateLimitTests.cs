using System.Net;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class OnePartnerWriteFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
{
    ["RateLimiting:PartnerWrites:PermitLimit"] = "1",
    ["RateLimiting:PartnerWrites:WindowSeconds"] = "3600",
});

/// <summary>A page refused by the partner-write limit reads as words with the wait, not as JSON in the fragment; the API keeps problem details.</summary>
public sealed class PageRateLimitTests(OnePartnerWriteFactory factory) : IClassFixture<OnePartnerWriteFactory>
{
    [Fact]
    public async Task The_refused_click_says_when_to_retry_in_the_flash_area_and_the_api_keeps_its_problem()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using var admin = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(admin, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var page = $"/dashboard/admin/partners/{partnerId}";
        var token = await CookieLogin.AntiforgeryTokenAsync(admin, page);

        HttpRequestMessage Generate(bool htmx)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{page}/payouts/generate")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
            };
            if (htmx) request.Headers.Add("HX-Request", "true");
            else request.Headers.Accept.ParseAdd("text/html");
            return request;
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(Generate(htmx: true))).StatusCode);

        var refused = await admin.SendAsync(Generate(htmx: true));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var seconds = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.InRange(seconds, 120, 3600);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("#flash", Assert.Single(refused.Headers.GetValues("HX-Retarget")));
        Assert.Equal($"<div id=\"flash\" class=\"error flash\" role=\"alert\">Too many requests. Try again in {(seconds + 59) / 60} minutes.</div>",
            await refused.Content.ReadAsStringAsync());

        // The same refusal as a plain form post is a page in the layout.
        var plain = await admin.SendAsync(Generate(htmx: false));
        Assert.Equal(HttpStatusCode.TooManyRequests, plain.StatusCode);
        Assert.True(plain.Headers.Contains("Retry-After"));
        var html = WebUtility.HtmlDecode(await plain.Content.ReadAsStringAsync());
        Assert.Contains("<header class=\"topbar\">", html);
        Assert.Contains("Too many requests.", html);
        Assert.Contains("Try again in", html);

        using var api = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var problem = await (await api.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests.", problem.GetProperty("title").GetString());
        Assert.StartsWith("Try again in ", problem.GetProperty("detail").GetString());
    }
}
