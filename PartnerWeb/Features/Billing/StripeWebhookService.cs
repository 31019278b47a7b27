using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;
using Stripe;

namespace PartnerWeb.Features.Billing;

public sealed record WebhookReceipt(bool Received, string Outcome);

/// <summary>
/// Verify, dedupe, dispatch: one handler per event type, one paid moment for all payments and one
/// settlement for all take-backs. Payments go to the <see cref="PaymentBatcher"/>, so a payment delivery
/// touches no database connection of its own until it may have something parked to settle; the
/// take-back path (and its DbContext) is resolved only for take-back events.
/// </summary>
public sealed class StripeWebhookService(
    IOptions<StripeOptions> options, StripeEventReader reader, PaymentBatcher payments, IServiceProvider services,
    IEnumerable<IStripePaymentEventHandler> handlers, IEnumerable<IStripeAdjustmentEventHandler> adjustmentHandlers,
    ILogger<StripeWebhookService> logger)
{
    public async Task<Result<WebhookReceipt>> HandleAsync(string json, string? signature, CancellationToken ct)
    {
        var read = reader.Read(json, signature, options.Value.WebhookSecret, "webhooks");
        if (read.Error is { } refused) return refused;
        if (read.Value is not { } stripeEvent) return new WebhookReceipt(true, "ignored");
        if (!string.IsNullOrEmpty(stripeEvent.Account))
        {
            logger.LogWarning("Stripe event {EventId} ({Type}) of connected account {Account} ignored on the platform endpoint",
                stripeEvent.Id, stripeEvent.Type, stripeEvent.Account);
            return new WebhookReceipt(true, "ignored");
        }

        // A redelivered event id is recognised where the event is recorded (the payment batch, the
        // refund ledger), in the same transaction, so no separate look-up is needed here.
        if (adjustmentHandlers.FirstOrDefault(h => h.EventTypes.Contains(stripeEvent.Type)) is { } adjustmentHandler)
            return await TakeBackAsync(stripeEvent, adjustmentHandler, ct);

        if (stripeEvent.Type == EventTypes.TransferReversed && stripeEvent.Data.Object is Transfer transfer)
        {
            var reversal = await services.GetRequiredService<Partners.PayoutReversals>()
                .ApplyAsync(transfer, new StripeEventRef(stripeEvent.Id, stripeEvent.Type), ct);
            return reversal.IsSuccess ? new WebhookReceipt(true, reversal.Value!) : reversal.Error!;
        }

        if (stripeEvent.Type is EventTypes.CheckoutSessionExpired or EventTypes.CheckoutSessionAsyncPaymentFailed
            && stripeEvent.Data.Object is Stripe.Checkout.Session ended)
        {
            var closed = await services.GetRequiredService<CheckoutService>().EndAsync(ended.Id, stripeEvent.Type, ct);
            return new WebhookReceipt(true, closed ? "checkout_ended" : "ignored");
        }

        var handler = handlers.FirstOrDefault(h => h.EventTypes.Contains(stripeEvent.Type));
        if (handler is null)
        {
            logger.LogInformation("Stripe event {EventId} of type {Type} ignored", stripeEvent.Id, stripeEvent.Type);
            return new WebhookReceipt(true, "ignored");
        }
        var payment = handler.Read(stripeEvent);
        if (payment is null || !Guid.TryParse(payment.InvoiceId, out var invoiceId))
        {
            logger.LogWarning("Stripe event {EventId} ({Type}) names no invoice of ours or no completed payment", stripeEvent.Id, stripeEvent.Type);
            return new WebhookReceipt(true, "ignored");
        }

        var outcome = await payments.PayAsync(new PaymentClaim(
            invoiceId, Domain.PaymentMethod.Stripe, payment.Reference ?? stripeEvent.Id, payment.Amount, payment.Currency,
            new StripeEventRef(stripeEvent.Id, stripeEvent.Type), payment.PaymentIntentId, payment.ChargeId));
        // A refund or dispute that came before its payment waited for it. (Should this instance stop
        // here, the reconcile job settles it.)
        if (outcome is PaymentOutcome.Paid or PaymentOutcome.AlreadyPaid or PaymentOutcome.Overpaid or PaymentOutcome.Mismatch
            && (payment.PaymentIntentId ?? payment.ChargeId) is not null)
            await SettleParkedAsync(payment, ct);
        return new WebhookReceipt(true, outcome switch
        {
            PaymentOutcome.DuplicateEvent => "duplicate",
            PaymentOutcome.NotFound => "ignored",
            _ => outcome.ToString().ToLowerInvariant(),
        });
    }

    /// <summary>
    /// The payment is committed, so its answer stands whatever happens here: a failure is left to the
    /// reconcile job (a redelivery would be a duplicate and settle nothing).
    /// </summary>
    private async Task SettleParkedAsync(StripePayment payment, CancellationToken ct)
    {
        try
        {
            await services.GetRequiredService<StripeTakeBacks>().SettleParkedAsync(payment.PaymentIntentId, payment.ChargeId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Settling what waited for payment {PaymentIntentId}/{ChargeId} failed; the settle-parked job will", payment.PaymentIntentId, payment.ChargeId);
        }
    }

    private async Task<Result<WebhookReceipt>> TakeBackAsync(Event stripeEvent, IStripeAdjustmentEventHandler handler, CancellationToken ct)
    {
        if (handler.Read(stripeEvent) is not { } seen)
        {
            logger.LogWarning("Stripe event {EventId} ({Type}) carries no object of its type", stripeEvent.Id, stripeEvent.Type);
            return new WebhookReceipt(true, "ignored");
        }
        var outcome = await services.GetRequiredService<StripeTakeBacks>()
            .ApplyAsync(seen, new TakeBackCause(new StripeEventRef(stripeEvent.Id, stripeEvent.Type)), ct);
        return new WebhookReceipt(true, outcome);
    }
}
