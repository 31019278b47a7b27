using System.Net;
using System.Text.RegularExpressions;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>Signs a cookie-handling client in through the real login form, antiforgery token included.</summary>
public static partial class CookieLogin
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page = "/login")
    {
        var html = await client.GetStringAsync(page);
        var match = TokenInput().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? token = null)
    {
        var fields = new Dictionary<string, string> { ["Email"] = email, ["Password"] = password };
        if (token is not null) fields["__RequestVerificationToken"] = token;
        return await client.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var response = await PostLoginAsync(client, email, password, await AntiforgeryTokenAsync(client));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}
