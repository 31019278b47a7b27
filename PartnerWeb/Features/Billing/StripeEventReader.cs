using Microsoft.Extensions.Options;
using PartnerWeb.Infrastructure;
using Stripe;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// What both webhook endpoints do before they look at an event: the signature, checked with the endpoint's
/// own secret (Stripe signs the platform's and the connected accounts' events with different ones), and a
/// body read as a snapshot event of this server's mode. A success without an event is a delivery that needs
/// nothing here and is answered 200 <c>ignored</c>.
/// </summary>
public sealed class StripeEventReader(IOptions<StripeOptions> options, TimeProvider clock, ILogger<StripeEventReader> logger)
{
    private static Result<Event?> Ignored => default(Event);

    /// <param name="endpoint">How messages name the endpoint: "webhooks" or "Connect webhooks".</param>
    public Result<Event?> Read(string json, string? signature, string? secret, string endpoint)
    {
        if (string.IsNullOrEmpty(secret))
            return new AppError(StatusCodes.Status503ServiceUnavailable, $"Stripe {endpoint} are not configured on this server.");
        if (string.IsNullOrWhiteSpace(signature))
            return new AppError(StatusCodes.Status400BadRequest, "The Stripe-Signature header is missing.");

        try
        {
            EventUtility.ValidateSignature(json, signature, secret, options.Value.ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (StripeException ex)
        {
            logger.LogWarning("Stripe {Endpoint} refused a delivery: {Reason}", endpoint, ex.Message);
            return new AppError(StatusCodes.Status400BadRequest, "The Stripe signature is missing, invalid or stale.");
        }

        Event stripeEvent;
        try
        {
            // A v2 event notification ("thin" event) is signed alike but carries no object: nothing here
            // consumes one, and a 4xx would only make Stripe send it again.
            if (IsThin(json, out var thinId, out var thinType))
            {
                logger.LogInformation("Stripe thin event {EventId} of type {Type} ignored: this endpoint consumes snapshot events", thinId, thinType);
                return Ignored;
            }
            stripeEvent = EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false);
        }
        // Stripe.net parses events with System.Text.Json (older versions used Newtonsoft): a correctly signed body
        // it cannot read (truncated JSON, an amount beyond Int64) is bad input, not a server error.
        catch (Exception ex) when (ex is StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException
            or ArgumentException or FormatException or InvalidOperationException)
        {
            logger.LogWarning("Stripe {Endpoint} refused a delivery: {Reason}", endpoint, ex.Message);
            return new AppError(StatusCodes.Status400BadRequest, "The Stripe event could not be read.");
        }

        if (stripeEvent.Livemode != options.Value.LiveMode)
        {
            logger.LogWarning("Stripe event {EventId} ({Type}) ignored: livemode {EventLivemode}, this server takes livemode {LiveMode}",
                stripeEvent.Id, stripeEvent.Type, stripeEvent.Livemode, options.Value.LiveMode);
            return Ignored;
        }
        return stripeEvent;
    }

    private static bool IsThin(string json, out string? id, out string? type)
    {
        (id, type) = (null, null);
        // Snapshot events, nearly every delivery, are told apart without parsing the body twice.
        if (!json.Contains("\"v2.core.event\"", StringComparison.Ordinal)) return false;
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        id = root.TryGetProperty("id", out var i) && i.ValueKind == System.Text.Json.JsonValueKind.String ? i.GetString() : null;
        type = root.TryGetProperty("type", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String ? t.GetString() : null;
        return root.TryGetProperty("object", out var o) && o.ValueKind == System.Text.Json.JsonValueKind.String && o.GetString() == "v2.core.event";
    }
}
