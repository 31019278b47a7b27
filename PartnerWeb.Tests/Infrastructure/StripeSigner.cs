using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>Signs webhook bodies the way Stripe does (HMAC-SHA256 of "t.payload"), independent of Stripe.net.</summary>
public static class StripeSigner
{
    public static string Header(string payload, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(hash)}";
    }

    /// <summary>
    /// An event as Stripe delivers it: the object in <c>data.object</c> (its text kept as given, so hostile
    /// contents reach the app unchanged), the request that caused it and the count of pending deliveries.
    /// </summary>
    public static string Event(string id, string type, string objectJson, DateTimeOffset? created = null) =>
        $$$"""{"id":"{{{id}}}","object":"event","api_version":"2026-10-28.endive","created":{{{(created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()}}},"data":{"object":{{{objectJson}}}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"{{{type}}}"}""";

    public static string InvoicePaid(string eventId, Guid invoiceId, long amount, string currency = "usd", string type = "invoice.paid") =>
        Event(eventId, type, $$$"""{"object":"invoice","id":"in_{{{eventId}}}","amount_paid":{{{amount}}},"currency":"{{{currency}}}","metadata":{"invoiceId":"{{{invoiceId}}}"}}""");

    public static string CheckoutCompleted(string eventId, Guid invoiceId, long amount, string paymentStatus = "paid", bool viaClientReference = false) =>
        Event(eventId, "checkout.session.completed", viaClientReference
            ? $$$"""{"object":"checkout.session","id":"cs_{{{eventId}}}","payment_status":"{{{paymentStatus}}}","amount_total":{{{amount}}},"currency":"usd","client_reference_id":"{{{invoiceId}}}","metadata":{}}"""
            : $$$"""{"object":"checkout.session","id":"cs_{{{eventId}}}","payment_status":"{{{paymentStatus}}}","amount_total":{{{amount}}},"currency":"usd","metadata":{"invoiceId":"{{{invoiceId}}}"}}""");

    public static string PaymentIntentSucceeded(string eventId, Guid invoiceId, long amount, string currency = "usd") =>
        Event(eventId, "payment_intent.succeeded", $$$"""{"object":"payment_intent","id":"pi_{{{eventId}}}","amount_received":{{{amount}}},"currency":"{{{currency}}}","metadata":{"invoiceId":"{{{invoiceId}}}"}}""");
}
