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

    /// <summary>Creates a child tenant of Umbrella Resellers and returns a client signed in as its owner.</summary>
    public static async Task<HttpClient> ChildTenantOwnerAsync(PartnerWebFactory factory)
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var email = $"owner-{suffix}@child.example";
        var response = await umbrella.PostAsJsonAsync("/api/resellers/me/tenants", new { name = $"Child {suffix}", ownerEmail = email, ownerPassword = "Child!2345" });
        await response.AssertJsonAsync(HttpStatusCode.Created);

        var client = factory.CreateApiClient();
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { email, password = "Child!2345" })).AssertJsonAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        return client;
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
