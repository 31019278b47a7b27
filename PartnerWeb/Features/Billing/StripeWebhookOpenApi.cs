using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// The webhooks read their bodies raw (the signature covers the exact bytes), so the document cannot see a
/// request type: this describes the body Stripe sends and the signature header, for each endpoint.
/// </summary>
public static class StripeWebhookOpenApi
{
    private const string PlatformDescription =
        "Stripe calls this; it needs no token. The `Stripe-Signature` header is verified with `Stripe:WebhookSecret` " +
        "(tolerance 300 s, any `api_version`). Payments: `invoice.paid`, `invoice.payment_succeeded`, " +
        "`checkout.session.completed` (with `payment_status` `paid`), `checkout.session.async_payment_succeeded` and " +
        "`payment_intent.succeeded`; the amount and currency must equal the invoice's, else the invoice stays open (outcome " +
        "`mismatch`). Take-backs, matched by payment intent or charge id: `refund.created`, `refund.updated`, `refund.failed`, " +
        "`charge.refund.updated`, `charge.refunded` and `charge.dispute.*`. Payouts: `transfer.reversed`. Answers 200 `{ received, outcome }` " +
        "with outcome `paid`, `duplicate`, `alreadypaid`, `overpaid`, `void`, `mismatch`, `refunded`, `disputed`, `reinstated`, " +
        "`unchanged`, `overpayment`, `parked`, `checkout_ended`, `payout_reversed` or `ignored` (409 for a reversal of a payout " +
        "not yet recorded paid: deliver again). A connected account's event (`account` set) " +
        "belongs to the Connect webhook and is `ignored` here.";

    private const string ConnectDescription =
        "Stripe calls this for the partners' connected accounts (a Connect endpoint); it needs no token. The `Stripe-Signature` " +
        "header is verified with `Stripe:ConnectWebhookSecret` (tolerance 300 s, any `api_version`); without that secret, 503. " +
        "`account.updated` records `payouts_enabled`, `charges_enabled`, `details_submitted`, `requirements.currently_due` and " +
        "`requirements.disabled_reason` on the partner whose account it names. Answers 200 `{ received, outcome }` with outcome " +
        "`updated`, `unchanged`, `stale` (older than the state held), `duplicate` (the event id again) or `ignored` " +
        "(another type, an account that is no partner's, a thin event or the other livemode).";

    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor is not ControllerActionDescriptor { ControllerTypeInfo: var controller, ActionName: var action }
            || controller.AsType() != typeof(StripeWebhookController)) return;

        var connect = action == nameof(StripeWebhookController.ReceiveConnect);
        operation.Description = connect ? ConnectDescription : PlatformDescription;
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Stripe-Signature",
            In = ParameterLocation.Header,
            Required = true,
            Description = "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed by the webhook secret>`",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(connect ? typeof(StripeConnectWebhookEvent) : typeof(StripeWebhookEvent), null, ct) },
            },
        };
    }
}

/// <summary>The fields of a connected account's event the Connect webhook reads (documentation only).</summary>
public sealed class StripeConnectWebhookEvent
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("account")] public required string Account { get; init; }
    [JsonPropertyName("livemode")] public bool Livemode { get; init; }
    [JsonPropertyName("api_version")] public string? ApiVersion { get; init; }
    [JsonPropertyName("created")] public long? Created { get; init; }
    [JsonPropertyName("data")] public required StripeConnectWebhookEventData Data { get; init; }
}

public sealed class StripeConnectWebhookEventData
{
    [JsonPropertyName("object")] public required StripeConnectAccountObject Object { get; init; }
}

/// <summary>The connected account, for <c>account.updated</c>.</summary>
public sealed class StripeConnectAccountObject
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("object")] public string? Object { get; init; }
    [JsonPropertyName("payouts_enabled")] public bool? PayoutsEnabled { get; init; }
    [JsonPropertyName("charges_enabled")] public bool? ChargesEnabled { get; init; }
    [JsonPropertyName("details_submitted")] public bool? DetailsSubmitted { get; init; }
    [JsonPropertyName("requirements")] public StripeConnectRequirements? Requirements { get; init; }
}

public sealed class StripeConnectRequirements
{
    [JsonPropertyName("currently_due")] public IReadOnlyList<string>? CurrentlyDue { get; init; }
    [JsonPropertyName("disabled_reason")] public string? DisabledReason { get; init; }
}

/// <summary>The fields of a Stripe event the webhook reads (documentation only; Stripe.net parses the body).</summary>
public sealed class StripeWebhookEvent
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("api_version")] public string? ApiVersion { get; init; }
    [JsonPropertyName("created")] public long? Created { get; init; }
    [JsonPropertyName("data")] public required StripeWebhookEventData Data { get; init; }
}

public sealed class StripeWebhookEventData
{
    [JsonPropertyName("object")] public required StripeWebhookObject Object { get; init; }
}

/// <summary>An invoice, a checkout session or a payment intent: each sets the amount field of its kind.</summary>
public sealed class StripeWebhookObject
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("object")] public string? Object { get; init; }
    [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    [JsonPropertyName("client_reference_id")] public string? ClientReferenceId { get; init; }
    [JsonPropertyName("payment_status")] public string? PaymentStatus { get; init; }
    [JsonPropertyName("amount_paid")] public long? AmountPaid { get; init; }
    [JsonPropertyName("amount_total")] public long? AmountTotal { get; init; }
    [JsonPropertyName("amount_received")] public long? AmountReceived { get; init; }
    [JsonPropertyName("currency")] public string? Currency { get; init; }
}
