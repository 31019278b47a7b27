using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// A local stand-in for Stripe's HTTP API, on a loopback port: it answers the calls the app makes with
/// whole Stripe objects (<see cref="StripeObjects"/>), records every request's form fields and <c>Idempotency-Key</c>, and
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

    /// <summary>While set, every call is refused as Stripe refuses a request it will not serve (400 with an error object).</summary>
    public bool Refuses { get; set; }

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
        app.MapPost("/v1/checkout/sessions", request => fake.AnswerAsync(request, CheckoutSession));
        app.MapPost("/v1/refunds", request => fake.AnswerAsync(request, fake.Refund));
        app.MapPost("/v1/accounts", request => fake.AnswerAsync(request, StripeObjects.AccountFor));
        app.MapPost("/v1/account_links", request => fake.AnswerAsync(request, StripeObjects.AccountLinkFor));
        await app.StartAsync();
        return fake;
    }

    /// <summary>The charge a refund is made of, by payment intent; a test names it before the app asks.</summary>
    public ConcurrentDictionary<string, string> ChargesByIntent { get; } = new(StringComparer.Ordinal);

    private async Task AnswerAsync(HttpContext context, Func<Dictionary<string, string>, string> answer)
    {
        var request = context.Request;
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var key = request.Headers["Idempotency-Key"].ToString();
        Calls.Enqueue(new Call(request.Path, key, form));
        if (Refuses)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":{"type":"invalid_request_error","message":"This account cannot currently make charges."}}""");
            return;
        }
        var json = string.IsNullOrEmpty(key) ? answer(form) : _answers.GetOrAdd(key, _ => new Lazy<string>(() => answer(form))).Value;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    /// <summary>A card refund of what was asked, succeeded at once as card refunds usually are.</summary>
    private string Refund(Dictionary<string, string> form)
    {
        var intent = form.GetValueOrDefault("payment_intent");
        var charge = form.GetValueOrDefault("charge") ?? (intent is null ? null : ChargesByIntent.GetValueOrDefault(intent)) ?? "ch_unknown";
        var refund = StripeObjects.Refund("re_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), charge, intent!, long.Parse(form["amount"]), "usd");
        var metadata = new JsonObject();
        foreach (var (name, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            metadata[name["metadata[".Length..^1]] = value;
        refund["metadata"] = metadata;
        return refund.ToJsonString();
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

        return StripeObjects.CheckoutSession(id, form.GetValueOrDefault("client_reference_id"), metadata, total,
            form.GetValueOrDefault("line_items[0][price_data][currency]"), form.GetValueOrDefault("success_url"), form.GetValueOrDefault("cancel_url"),
            created: created).ToJsonString();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
