using Stripe;

namespace PartnerWeb.Features.Billing;

/// <summary>What a paid-type Stripe event says was paid, and by which payment intent and charge, where it names them.</summary>
public sealed record StripePayment(string? InvoiceId, long Amount, string Currency, string Reference, string? PaymentIntentId = null, string? ChargeId = null);

/// <summary>Reads one kind of paid event. One class per event object; the webhook dispatches by type.</summary>
public interface IStripePaymentEventHandler
{
    IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Null when the event does not report a completed payment (e.g. an unpaid checkout).</summary>
    StripePayment? Read(Event stripeEvent);
}

internal static class StripeMetadata
{
    public static string? InvoiceId(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("invoiceId", out var id) ? id : null;
}

public sealed class InvoicePaidHandler : IStripePaymentEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.InvoicePaid, Stripe.EventTypes.InvoicePaymentSucceeded];

    /// <summary>Since API version 2025-03-31 an invoice names its payments in <c>payments</c>, each with its payment intent or charge.</summary>
    public StripePayment? Read(Event stripeEvent)
    {
        if (stripeEvent.Data.Object is not Stripe.Invoice invoice) return null;
        var paid = invoice.Payments?.Data?.FirstOrDefault(p => p.Status == "paid")?.Payment;
        return new StripePayment(StripeMetadata.InvoiceId(invoice.Metadata), invoice.AmountPaid, invoice.Currency, invoice.Id,
            paid?.PaymentIntentId, paid?.ChargeId);
    }
}

public sealed class CheckoutSessionCompletedHandler : IStripePaymentEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.CheckoutSessionCompleted];

    public StripePayment? Read(Event stripeEvent) =>
        stripeEvent.Data.Object is Stripe.Checkout.Session { PaymentStatus: "paid" } session
            ? new StripePayment(StripeMetadata.InvoiceId(session.Metadata) ?? session.ClientReferenceId, session.AmountTotal ?? 0, session.Currency, session.Id,
                session.PaymentIntentId)
            : null;
}

public sealed class PaymentIntentSucceededHandler : IStripePaymentEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.PaymentIntentSucceeded];

    public StripePayment? Read(Event stripeEvent) => stripeEvent.Data.Object is PaymentIntent intent
        ? new StripePayment(StripeMetadata.InvoiceId(intent.Metadata), intent.AmountReceived, intent.Currency, intent.Id, intent.Id, intent.LatestChargeId)
        : null;
}

/// <summary>What a refund-type Stripe event says: Stripe's cumulative refunded amount, or a full reversal.</summary>
public sealed record StripeRefundNotice(string? InvoiceId, long? CumulativeRefunded, bool Full, string Currency, string Reference);

/// <summary>Reads one kind of refund event; the webhook dispatches refunds to the one refund path.</summary>
public interface IStripeRefundEventHandler
{
    IReadOnlyCollection<string> EventTypes { get; }
    StripeRefundNotice? Read(Event stripeEvent);
}

public sealed class ChargeRefundedHandler : IStripeRefundEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.ChargeRefunded];

    public StripeRefundNotice? Read(Event stripeEvent) => stripeEvent.Data.Object is Charge charge
        ? new StripeRefundNotice(StripeMetadata.InvoiceId(charge.Metadata), charge.AmountRefunded, Full: false, charge.Currency, charge.Id)
        : null;
}

/// <summary>A dispute reverses the whole invoice at once: the money is held by the bank from now on.</summary>
public sealed class ChargeDisputeCreatedHandler : IStripeRefundEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.ChargeDisputeCreated];

    public StripeRefundNotice? Read(Event stripeEvent) => stripeEvent.Data.Object is Dispute dispute
        ? new StripeRefundNotice(StripeMetadata.InvoiceId(dispute.Metadata), null, Full: true, dispute.Currency, dispute.Id)
        : null;
}
