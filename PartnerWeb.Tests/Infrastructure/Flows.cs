using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>The platform's flows driven through the public API, for tests to set up state as a user would.</summary>
public static class Flows
{
    public static async Task<Guid> ItemIdAsync(PartnerWebFactory factory, string name)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.MarketplaceItems.Where(i => i.Name == name).Select(i => i.Id).SingleAsync();
    }

    public static Task<Guid> TemplateIdAsync(PartnerWebFactory factory) => ItemIdAsync(factory, "Starter Landing Template");

    /// <summary>Installs the item as the client's tenant and returns the open invoice's id.</summary>
    public static async Task<Guid> InstallAsync(HttpClient client, Guid itemId)
    {
        var created = await (await client.PostAsync($"/api/marketplace/items/{itemId}/install", null)).AssertJsonAsync(HttpStatusCode.Created);
        return created.GetProperty("invoice").GetProperty("id").GetGuid();
    }

    /// <summary>What a reseller sets as a child owner's first password; the owner replaces it with <see cref="ChildOwnerPassword"/>.</summary>
    public const string ResellerChosenPassword = "Chosen-by-the-reseller!1";

    public const string ChildOwnerPassword = "Child-owner!2345";

    /// <summary>Creates a child tenant of Umbrella Resellers and returns a client signed in as its owner.</summary>
    public static async Task<HttpClient> ChildTenantOwnerAsync(PartnerWebFactory factory)
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var client = factory.CreateApiClient();
        var (_, token) = await ChildTenantAsync(umbrella, client, $"Child {suffix}", $"owner-{suffix}@child.example");
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>
    /// The reseller creates a child tenant; its owner signs in with the reseller's password and sets their own, as
    /// the first sign-in requires. Returns the creation's answer and the owner's token (issued with the new password).
    /// </summary>
    public static async Task<(JsonElement Created, string Token)> ChildTenantAsync(
        HttpClient reseller, HttpClient anonymous, string name, string ownerEmail, string ownerPassword = ChildOwnerPassword)
    {
        var created = await (await reseller.PostAsJsonAsync("/api/resellers/me/tenants", new { name, ownerEmail, ownerPassword = ResellerChosenPassword }))
            .AssertJsonAsync(HttpStatusCode.Created);
        return (created, await SetOwnPasswordAsync(anonymous, ownerEmail, ResellerChosenPassword, ownerPassword));
    }

    /// <summary>Signs in with the current password and changes it; returns the token the change answers with.</summary>
    public static async Task<string> SetOwnPasswordAsync(HttpClient anonymous, string email, string currentPassword, string newPassword)
    {
        var signedIn = await (await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password = currentPassword })).AssertJsonAsync(HttpStatusCode.OK);
        using var change = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password") { Content = JsonContent.Create(new { currentPassword, newPassword }) };
        change.Headers.Authorization = new("Bearer", signedIn.GetProperty("accessToken").GetString());
        var changed = await (await anonymous.SendAsync(change)).AssertJsonAsync(HttpStatusCode.OK);
        return changed.GetProperty("accessToken").GetString()!;
    }

    public const string ConnectWebhook = "/api/billing/stripe/connect-webhook";

    public static async Task<HttpResponseMessage> PostWebhookAsync(HttpClient client, string payload, string? signature, string path = "/api/billing/stripe/webhook")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostSignedWebhookAsync(HttpClient client, string payload) =>
        PostWebhookAsync(client, payload, StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, DateTimeOffset.UtcNow));

    /// <summary>A connected account's event, signed with the Connect endpoint's own secret.</summary>
    public static Task<HttpResponseMessage> PostSignedConnectWebhookAsync(HttpClient client, string payload) =>
        PostWebhookAsync(client, payload, StripeSigner.Header(payload, PartnerWebFactory.ConnectWebhookSecret, DateTimeOffset.UtcNow), ConnectWebhook);

    public static async Task<string> InvoiceStatusAsync(HttpClient client, Guid invoiceId) =>
        (await (await client.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!;

    /// <summary>Polls until the condition holds (jobs run in the background), failing after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }

    public static async Task<T> QueryAsync<T>(PartnerWebFactory factory, Func<AppDbContext, Task<T>> query)
    {
        using var scope = factory.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
