using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// A local stand-in for Stripe's HTTP API, on a loopback port: it answers the calls the app makes with
/// objects shaped like Stripe's (the fields and types of the <c>checkout.session</c> object in
/// stripe/openapi's fixtures), records every request's form fields and <c>Idempotency-Key</c>, and
/// answers a key it has seen with its first answer, as Stripe does.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Lazy<string>> _answers = new(StringComparer.Ordinal);

    private FakeStripe(WebApplication app) => _app = app;

    public sealed record Call(string Path, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form);

    public ConcurrentQueue<Call> Calls { get; } = new();

    public string BaseUrl => _app.Urls.Single();

    /// <summary>The settings that point the app at this fake.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Stripe:SecretKey"] = "sk_test_partnerweb_fake",
        ["Stripe:ApiBase"] = BaseUrl,
    };

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.MapPost("/v1/checkout/sessions", fake.CheckoutSessionAsync);
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> CheckoutSessionAsync(HttpRequest request)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var key = request.Headers["Idempotency-Key"].ToString();
        Calls.Enqueue(new Call(request.Path, key, form));
        var json = string.IsNullOrEmpty(key) ? CheckoutSession(form) : _answers.GetOrAdd(key, _ => new Lazy<string>(() => CheckoutSession(form))).Value;
        return Results.Content(json, "application/json");
    }

    /// <summary>An open, unpaid session in payment mode for what was asked, expiring in 24 hours (Stripe's default).</summary>
    private static string CheckoutSession(Dictionary<string, string> form)
    {
        var id = "cs_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long total = 0;
        for (var n = 0; form.ContainsKey($"line_items[{n}][quantity]"); n++)
            total += long.Parse(form[$"line_items[{n}][quantity]"]) * long.Parse(form[$"line_items[{n}][price_data][unit_amount]"]);
        var metadata = new JsonObject();
        foreach (var (name, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            metadata[name["metadata[".Length..^1]] = value;

        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["after_expiration"] = null,
            ["allow_promotion_codes"] = null,
            ["amount_subtotal"] = total,
            ["amount_total"] = total,
            ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null, ["status"] = null },
            ["billing_address_collection"] = null,
            ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
            ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
            ["client_secret"] = null,
            ["consent"] = null,
            ["consent_collection"] = null,
            ["created"] = created,
            ["currency"] = form.GetValueOrDefault("line_items[0][price_data][currency]"),
            ["custom_fields"] = new JsonArray(),
            ["customer"] = null,
            ["customer_creation"] = "if_required",
            ["customer_details"] = null,
            ["customer_email"] = null,
            ["expires_at"] = created + 24 * 3600,
            ["invoice"] = null,
            ["livemode"] = false,
            ["locale"] = null,
            ["metadata"] = metadata,
            ["mode"] = form.GetValueOrDefault("mode"),
            ["payment_intent"] = null,
            ["payment_link"] = null,
            ["payment_method_collection"] = "if_required",
            ["payment_method_types"] = new JsonArray("card"),
            ["payment_status"] = "unpaid",
            ["recovered_from"] = null,
            ["setup_intent"] = null,
            ["shipping_address_collection"] = null,
            ["shipping_cost"] = null,
            ["shipping_options"] = new JsonArray(),
            ["status"] = "open",
            ["submit_type"] = null,
            ["subscription"] = null,
            ["success_url"] = form.GetValueOrDefault("success_url"),
            ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 0 },
            ["ui_mode"] = "hosted",
            ["url"] = $"https://checkout.stripe.com/c/pay/{id}",
        }.ToJsonString();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
