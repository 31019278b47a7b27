using System.Text.Json.Nodes;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Whole Stripe objects and events, with every field of the objects in stripe/openapi's fixtures (API
/// version 2026-10-28.endive) and test values of their own. Hand-built fragments with only the fields the
/// app reads would hide a field the app should have read; these carry everything Stripe sends, so a
/// handler reads the real shape, metadata and all (empty where Stripe leaves it empty).
/// </summary>
public static partial class StripeObjects
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>An event as Stripe delivers it (<see cref="StripeSigner.Event"/>) around a whole object.</summary>
    public static string Event(string id, string type, JsonObject dataObject) => StripeSigner.Event(id, type, dataObject.ToJsonString());

    /// <summary>A Checkout Session in payment mode; <paramref name="paymentIntent"/> is set once the customer paid.</summary>
    public static JsonObject CheckoutSession(
        string id, string? clientReferenceId, JsonObject metadata, long amount, string? currency, string? successUrl, string? cancelUrl,
        string status = "open", string paymentStatus = "unpaid", string? paymentIntent = null, long? created = null) => new()
    {
        ["id"] = id,
        ["object"] = "checkout.session",
        ["adaptive_pricing"] = new JsonObject { ["enabled"] = false },
        ["after_expiration"] = null,
        ["allow_promotion_codes"] = null,
        ["amount_subtotal"] = amount,
        ["amount_total"] = amount,
        ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
        ["billing_address_collection"] = null,
        ["cancel_url"] = cancelUrl,
        ["client_reference_id"] = clientReferenceId,
        ["client_secret"] = null,
        ["collected_information"] = null,
        ["consent"] = null,
        ["consent_collection"] = null,
        ["created"] = created ?? Now,
        ["currency"] = currency,
        ["currency_conversion"] = null,
        ["custom_fields"] = new JsonArray(),
        ["custom_text"] = new JsonObject { ["after_submit"] = null, ["shipping_address"] = null, ["submit"] = null, ["terms_of_service_acceptance"] = null },
        ["customer"] = null,
        ["customer_creation"] = "if_required",
        ["customer_details"] = paymentIntent is null ? null : new JsonObject
        {
            ["address"] = null, ["email"] = "payer@globex.example", ["name"] = "Globex Payer", ["phone"] = null, ["tax_exempt"] = "none", ["tax_ids"] = new JsonArray(),
        },
        ["customer_email"] = null,
        ["discounts"] = new JsonArray(),
        ["expires_at"] = (created ?? Now) + 24 * 3600,
        ["invoice"] = null,
        ["invoice_creation"] = new JsonObject { ["enabled"] = false, ["invoice_data"] = null },
        ["livemode"] = false,
        ["locale"] = null,
        ["metadata"] = metadata,
        ["mode"] = "payment",
        ["origin_context"] = null,
        ["payment_intent"] = paymentIntent,
        ["payment_link"] = null,
        ["payment_method_collection"] = "if_required",
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject(),
        ["payment_method_types"] = new JsonArray("card"),
        ["payment_status"] = paymentStatus,
        ["permissions"] = null,
        ["phone_number_collection"] = new JsonObject { ["enabled"] = false },
        ["recovered_from"] = null,
        ["saved_payment_method_options"] = null,
        ["setup_intent"] = null,
        ["shipping_address_collection"] = null,
        ["shipping_cost"] = null,
        ["shipping_options"] = new JsonArray(),
        ["status"] = status,
        ["submit_type"] = null,
        ["subscription"] = null,
        ["success_url"] = successUrl,
        ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 0 },
        ["ui_mode"] = "hosted",
        ["url"] = status == "open" ? $"https://checkout.stripe.com/c/pay/{id}" : null,
        ["wallet_options"] = null,
    };

    /// <summary>A succeeded card payment intent, as a Checkout Session creates it (its metadata from <c>payment_intent_data</c>).</summary>
    public static JsonObject PaymentIntent(string id, JsonObject metadata, long amount, string currency, string latestCharge) => new()
    {
        ["id"] = id,
        ["object"] = "payment_intent",
        ["amount"] = amount,
        ["amount_capturable"] = 0,
        ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
        ["amount_received"] = amount,
        ["application"] = null,
        ["application_fee_amount"] = null,
        ["automatic_payment_methods"] = null,
        ["canceled_at"] = null,
        ["cancellation_reason"] = null,
        ["capture_method"] = "automatic",
        ["client_secret"] = $"{id}_secret_partnerweb",
        ["confirmation_method"] = "automatic",
        ["created"] = Now,
        ["currency"] = currency,
        ["customer"] = null,
        ["customer_account"] = null,
        ["description"] = null,
        ["excluded_payment_method_types"] = null,
        ["last_payment_error"] = null,
        ["latest_charge"] = latestCharge,
        ["livemode"] = false,
        ["managed_payments"] = null,
        ["metadata"] = metadata,
        ["next_action"] = null,
        ["on_behalf_of"] = null,
        ["payment_method"] = "pm_1PartnerWebCard",
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject { ["card"] = new JsonObject { ["request_three_d_secure"] = "automatic" } },
        ["payment_method_types"] = new JsonArray("card"),
        ["processing"] = null,
        ["receipt_email"] = null,
        ["review"] = null,
        ["setup_future_usage"] = null,
        ["shipping"] = null,
        ["source"] = null,
        ["statement_descriptor"] = null,
        ["statement_descriptor_suffix"] = null,
        ["status"] = "succeeded",
        ["transfer_data"] = null,
        ["transfer_group"] = null,
    };

    public static JsonObject InvoiceMetadata(Guid invoiceId) => new() { ["invoiceId"] = invoiceId.ToString() };
}
