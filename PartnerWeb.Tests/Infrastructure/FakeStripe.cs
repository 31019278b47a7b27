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
        app.MapPost("/v1/transfers", request => fake.AnswerAsync(request, fake.Transfer));
        app.MapGet("/v1/transfers", fake.TransfersOfGroup);
        app.MapPost("/v1/accounts", request => fake.AnswerAsync(request, StripeObjects.AccountFor));
        app.MapPost("/v1/account_links", request => fake.AnswerAsync(request, StripeObjects.AccountLinkFor));
        await app.StartAsync();
        return fake;
    }

    /// <summary>
    /// While set, a call to this path is carried out and then its answer held back until <see cref="Release"/>:
    /// Stripe did it, the caller never hears so (a kill in between is the crash this simulates).
    /// </summary>
    public string? HoldAnswersTo { get; set; }

    /// <summary>Completed once a held call was carried out.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Transfers to these accounts are refused, as Stripe refuses one to an account that cannot take it.</summary>
    public ConcurrentDictionary<string, bool> FailingDestinations { get; } = new(StringComparer.Ordinal);

    /// <summary>Every transfer made, as Stripe keeps them (listed by <c>transfer_group</c>).</summary>
    public ConcurrentQueue<JsonObject> Transfers { get; } = new();

    private string Transfer(Dictionary<string, string> form)
    {
        var destination = form["destination"];
        if (FailingDestinations.ContainsKey(destination))
            throw new StripeRefusal($"The destination account {destination} cannot receive transfers right now.");
        var metadata = StripeObjects.MetadataFrom(form);
        var transfer = StripeObjects.Transfer("tr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), long.Parse(form["amount"]), form["currency"],
            destination, form.GetValueOrDefault("transfer_group"), metadata);
        Transfers.Enqueue(transfer);
        return transfer.ToJsonString();
    }

    private IResult TransfersOfGroup(string? transfer_group)
    {
        var data = new JsonArray(Transfers.Where(t => (string?)t["transfer_group"] == transfer_group).Select(t => (JsonNode)t.DeepClone()).ToArray());
        return Results.Content(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false, ["url"] = "/v1/transfers" }.ToJsonString(), "application/json");
    }

    /// <summary>Stripe's answer to a request it refuses: 400 with an error object (kept for the key, as Stripe keeps it).</summary>
    private sealed class StripeRefusal(string message) : Exception(message);

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
            await RefuseAsync(context, "This account cannot currently make charges.");
            return;
        }
        string json;
        try
        {
            json = string.IsNullOrEmpty(key) ? answer(form) : _answers.GetOrAdd(key, _ => new Lazy<string>(() => Answer(answer, form))).Value;
        }
        catch (StripeRefusal refusal)
        {
            await RefuseAsync(context, refusal.Message);
            return;
        }
        if (json.StartsWith(RefusedPrefix, StringComparison.Ordinal))
        {
            await RefuseAsync(context, json[RefusedPrefix.Length..]);
            return;
        }
        if (HoldAnswersTo == request.Path)
        {
            Held.TrySetResult();
            await Release.Task;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    private const string RefusedPrefix = "refused:";

    /// <summary>A refusal is kept for its key like an answer: Stripe answers a reused key with its first result, errors included.</summary>
    private static string Answer(Func<Dictionary<string, string>, string> answer, Dictionary<string, string> form)
    {
        try
        {
            return answer(form);
        }
        catch (StripeRefusal refusal)
        {
            return RefusedPrefix + refusal.Message;
        }
    }

    private static async Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = message },
        }.ToJsonString());
    }

    /// <summary>A card refund of what was asked, succeeded at once as card refunds usually are.</summary>
    private string Refund(Dictionary<string, string> form)
    {
        var intent = form.GetValueOrDefault("payment_intent");
        var charge = form.GetValueOrDefault("charge") ?? (intent is null ? null : ChargesByIntent.GetValueOrDefault(intent)) ?? "ch_unknown";
        var refund = StripeObjects.Refund("re_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), charge, intent!, long.Parse(form["amount"]), "usd");
        var metadata = StripeObjects.MetadataFrom(form);
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
        var metadata = StripeObjects.MetadataFrom(form);

        return StripeObjects.CheckoutSession(id, form.GetValueOrDefault("client_reference_id"), metadata, total,
            form.GetValueOrDefault("line_items[0][price_data][currency]"), form.GetValueOrDefault("success_url"), form.GetValueOrDefault("cancel_url"),
            created: created).ToJsonString();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
