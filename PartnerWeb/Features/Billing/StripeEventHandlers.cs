using Stripe;
using PartnerWeb.Domain;

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
    /// <summary>A delayed payment method (a bank debit) completes the session unpaid and succeeds later.</summary>
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.CheckoutSessionCompleted, Stripe.EventTypes.CheckoutSessionAsyncPaymentSucceeded];

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

/// <summary>
/// Reads one kind of take-back event (refunds, disputes, a charge's refunded total) into what it tells about
/// its object; the webhook merges that into the object's <see cref="StripeAdjustment"/> and settles its payment.
/// </summary>
public interface IStripeAdjustmentEventHandler
{
    IReadOnlyCollection<string> EventTypes { get; }
    StripeAdjustment? Read(Event stripeEvent);
}

/// <summary>
/// A refund object, by its own id: since API version 2022-11-15 the refunds of a charge arrive this way.
/// A refund that failed or was canceled has given its money back.
/// </summary>
public sealed class RefundEventHandler : IStripeAdjustmentEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } =
        [Stripe.EventTypes.RefundCreated, Stripe.EventTypes.RefundUpdated, Stripe.EventTypes.RefundFailed, Stripe.EventTypes.ChargeRefundUpdated];

    public StripeAdjustment? Read(Event stripeEvent) =>
        stripeEvent.Data.Object is Refund refund ? Read(refund, failed: stripeEvent.Type == Stripe.EventTypes.RefundFailed) : null;

    /// <summary>A refund as Stripe's API answered it, or as an event carries it.</summary>
    public StripeAdjustment Read(Refund refund, bool failed = false) => new()
    {
        ObjectId = refund.Id, Kind = StripeAdjustmentKind.Refund, ChargeId = refund.ChargeId, PaymentIntentId = refund.PaymentIntentId,
        Amount = refund.Amount, Currency = refund.Currency.ToUpperInvariant(), Status = refund.Status,
        Cancelled = failed || refund.Status is "failed" or "canceled",
    };
}

/// <summary>
/// A charge: its cumulative <c>amount_refunded</c> (which may count refunds whose own events are still to
/// come), and the charge id the payment events may not have named.
/// </summary>
public sealed class ChargeEventHandler : IStripeAdjustmentEventHandler
{
    /// <summary>Not <c>charge.succeeded</c>: every charge of the account would wait here for a payment of ours forever.</summary>
    public IReadOnlyCollection<string> EventTypes { get; } = [Stripe.EventTypes.ChargeRefunded];

    public StripeAdjustment? Read(Event stripeEvent) => stripeEvent.Data.Object is Charge charge
        ? new StripeAdjustment
        {
            ObjectId = charge.Id, Kind = StripeAdjustmentKind.ChargeRefunds, ChargeId = charge.Id, PaymentIntentId = charge.PaymentIntentId,
            Amount = charge.AmountRefunded, Currency = charge.Currency.ToUpperInvariant(), Status = charge.Status,
        }
        : null;
}

/// <summary>
/// A dispute holds <c>dispute.amount</c> from the moment its funds are withdrawn until they are reinstated
/// (a dispute won); an inquiry (<c>warning_*</c>) withdraws nothing, and a lost dispute keeps them. A
/// dispute object shows its own withdrawals and reinstatements in <c>balance_transactions</c>, so a
/// created, updated or closed event that shows them counts as much as the funds events.
/// </summary>
public sealed class DisputeEventHandler : IStripeAdjustmentEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } =
    [
        Stripe.EventTypes.ChargeDisputeCreated, Stripe.EventTypes.ChargeDisputeUpdated, Stripe.EventTypes.ChargeDisputeClosed,
        Stripe.EventTypes.ChargeDisputeFundsWithdrawn, Stripe.EventTypes.ChargeDisputeFundsReinstated,
    ];

    public StripeAdjustment? Read(Event stripeEvent)
    {
        if (stripeEvent.Data.Object is not Dispute dispute) return null;
        var movements = dispute.BalanceTransactions ?? [];
        return new StripeAdjustment
        {
            ObjectId = dispute.Id, Kind = StripeAdjustmentKind.Dispute, ChargeId = dispute.ChargeId, PaymentIntentId = dispute.PaymentIntentId,
            Amount = dispute.Amount, Currency = dispute.Currency.ToUpperInvariant(), Status = dispute.Status,
            FundsWithdrawn = stripeEvent.Type == Stripe.EventTypes.ChargeDisputeFundsWithdrawn || dispute.Status == "lost" || movements.Any(b => b.Amount < 0),
            FundsReinstated = stripeEvent.Type == Stripe.EventTypes.ChargeDisputeFundsReinstated || dispute.Status == "won" || movements.Any(b => b.Amount > 0),
        };
    }
}
