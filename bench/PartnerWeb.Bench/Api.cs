using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PartnerWeb.Bench;

/// <summary>The app's public API, as a client uses it: tokens, the partner flow, signed webhooks, cookie login.</summary>
internal sealed partial class Api(HttpClient http, string baseUrl)
{
    public const string Password = "Demo!2345";
    public const string Admin = "admin@platform.example";
    public const string AcmeOwner = "owner@acme.example";
    public const string InitechOwner = "owner@initech.example";
    public const string Buyer = "owner@globex.example";
    public const string ListedItem = "Acme CRM Add-on";

    public string BaseUrl => baseUrl;

    public async Task<string> TokenAsync(string email)
    {
        var node = await SendAsync(HttpMethod.Post, "/api/auth/token", null, new { email, password = Password });
        return node["accessToken"]!.GetValue<string>();
    }

    public async Task<JsonNode> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, baseUrl + path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    /// <summary>Acme applies, the platform admin approves it and lists the Acme item at 30 %.</summary>
    public async Task<(Guid PartnerId, Guid ItemId)> AcmePartnerWithListingAsync()
    {
        var admin = await TokenAsync(Admin);
        var partnerId = await ApprovedPartnerAsync(AcmeOwner, "Acme Templates");
        var items = await SendAsync(HttpMethod.Get, "/api/marketplace/items?limit=200", admin);
        var itemId = Guid.Parse(items["items"]!.AsArray().First(i => i!["name"]!.GetValue<string>() == ListedItem)!["id"]!.GetValue<string>());
        await SendAsync(HttpMethod.Post, $"/api/partners/{partnerId}/listings", admin,
            new { marketplaceItemId = itemId, commissionType = "percent", commissionValue = 30 });
        return (partnerId, itemId);
    }

    /// <summary>The owner's tenant applies as a partner and the platform admin approves it.</summary>
    public async Task<Guid> ApprovedPartnerAsync(string ownerEmail, string displayName)
    {
        var admin = await TokenAsync(Admin);
        var owner = await TokenAsync(ownerEmail);
        var domain = ownerEmail[(ownerEmail.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var partner = await SendAsync(HttpMethod.Post, "/api/partners/apply", owner, new
        {
            displayName, contactEmail = "partners@" + domain, country = "US",
            payoutPreferences = new { method = "bank_transfer", accountHolder = displayName + " Ltd", iban = "DE89370400440532013000" },
        });
        var partnerId = Guid.Parse(partner["id"]!.GetValue<string>());
        await SendAsync(HttpMethod.Post, $"/api/partners/{partnerId}/approve", admin);
        return partnerId;
    }

    /// <summary>One install through the API: the invoice it creates is the template the seeder copies.</summary>
    public async Task<Guid> InstallAsync(Guid itemId)
    {
        var buyer = await TokenAsync(Buyer);
        var result = await SendAsync(HttpMethod.Post, $"/api/marketplace/items/{itemId}/install", buyer);
        return Guid.Parse(result["invoice"]!["id"]!.GetValue<string>());
    }

    public static string InvoicePaidEvent(string eventId, Guid invoiceId, long amount, long created) =>
        "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"created\":" + created.ToString(CultureInfo.InvariantCulture)
        + ",\"livemode\":false,\"type\":\"invoice.paid\",\"data\":{\"object\":{\"object\":\"invoice\",\"id\":\"in_" + eventId
        + "\",\"amount_paid\":" + amount.ToString(CultureInfo.InvariantCulture) + ",\"currency\":\"usd\",\"metadata\":{\"invoiceId\":\""
        + invoiceId.ToString() + "\"}}}}";

    /// <summary>The Stripe-Signature header: HMAC-SHA256 of "t.payload" with the endpoint secret.</summary>
    public static string Sign(string payload, string secret, long timestamp)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + payload));
        return $"t={t},v1={Convert.ToHexStringLower(hash)}";
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    /// <summary>Signs a cookie client in through the login form (antiforgery token included).</summary>
    public static async Task CookieLoginAsync(HttpClient client, string baseUrl, string email)
    {
        var html = await client.GetStringAsync(baseUrl + "/login");
        var token = WebUtility.HtmlDecode(AntiforgeryInput().Match(html).Groups[1].Value);
        using var response = await client.PostAsync(baseUrl + "/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = Password, ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"cookie login of {email} answered {(int)response.StatusCode}");
    }
}
