using System.Net;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// An invoice paid through Stripe Checkout, and the whole events Stripe sends about its payment afterwards:
/// the charge, its refunds and disputes name only the charge and the payment intent (their metadata is empty).
/// </summary>
public sealed record StripeSale(Guid InvoiceId, string Intent, string Charge, long Amount, string Currency = "usd")
{
    private static string Suffix() => Guid.NewGuid().ToString("N")[..14];

    public static StripeSale For(Guid invoiceId, long amount)
    {
        var suffix = Suffix();
        return new StripeSale(invoiceId, $"pi_{suffix}", $"ch_{suffix}", amount);
    }

    /// <summary><c>checkout.session.completed</c>: the payment intent only (Checkout names no charge).</summary>
    public string CheckoutCompleted(string? eventId = null) => StripeObjects.Event(eventId ?? $"evt_{Suffix()}", "checkout.session.completed",
        StripeObjects.CheckoutSession($"cs_test_{Suffix()}", InvoiceId.ToString(), StripeObjects.InvoiceMetadata(InvoiceId), Amount, Currency,
            $"https://app.example/billing/invoices/{InvoiceId}?checkout=success", null, status: "complete", paymentStatus: "paid", paymentIntent: Intent));

    public string ChargeRefunded(long cumulative, string? eventId = null) =>
        StripeObjects.Event(eventId ?? $"evt_{Suffix()}", "charge.refunded", StripeObjects.Charge(Charge, Intent, Amount, Currency, cumulative));

    /// <param name="type"><c>refund.created</c>, <c>refund.updated</c> or <c>refund.failed</c>.</param>
    public string Refund(string type, string refundId, long amount, string status = "succeeded") =>
        StripeObjects.Event($"evt_{Suffix()}", type, StripeObjects.Refund(refundId, Charge, Intent, amount, Currency, status));

    public string Dispute(string type, string disputeId, long amount, string status, bool withdrawn = false, bool reinstated = false) =>
        StripeObjects.Event($"evt_{Suffix()}", type, StripeObjects.Dispute(disputeId, Charge, Intent, amount, Currency, status, withdrawn, reinstated));

    public static async Task<string> DeliverAsync(HttpClient client, string payload) =>
        (await (await Flows.PostSignedWebhookAsync(client, payload)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString()!;
}
