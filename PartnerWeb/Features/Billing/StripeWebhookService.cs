using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;
using Stripe;

namespace PartnerWeb.Features.Billing;

public sealed class StripeOptions
{
    public string? WebhookSecret { get; set; }

    /// <summary>Seconds a signature's timestamp may be off; Stripe's own default.</summary>
    public long ToleranceSeconds { get; set; } = 300;
}

public sealed record WebhookReceipt(bool Received, string Outcome);

/// <summary>Verify, dedupe, dispatch: one handler per paid event type, one paid moment for all.</summary>
public sealed class StripeWebhookService(
    IOptions<StripeOptions> options, TimeProvider clock, AppDbContext db, InvoicePayments payments,
    IEnumerable<IStripePaymentEventHandler> handlers, ILogger<StripeWebhookService> logger)
{
    public async Task<Result<WebhookReceipt>> HandleAsync(string json, string? signature, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.Value.WebhookSecret))
            return new AppError(StatusCodes.Status503ServiceUnavailable, "Stripe webhooks are not configured on this server.");
        if (string.IsNullOrWhiteSpace(signature))
            return new AppError(StatusCodes.Status400BadRequest, "The Stripe-Signature header is missing.");

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, signature, options.Value.WebhookSecret,
                options.Value.ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        // Stripe.net parses events with System.Text.Json (older versions used Newtonsoft): a correctly signed body
        // it cannot read (truncated JSON, an amount beyond Int64) is bad input, not a server error.
        catch (Exception ex) when (ex is StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException
            or ArgumentException or FormatException)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", ex.Message);
            return new AppError(StatusCodes.Status400BadRequest, "The Stripe signature is missing, invalid or stale.");
        }

        if (await db.ProcessedStripeEvents.AsNoTracking().AnyAsync(e => e.EventId == stripeEvent.Id, ct))
            return new WebhookReceipt(true, "duplicate");

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
            new StripeEventRef(stripeEvent.Id, stripeEvent.Type)), ct);
        return new WebhookReceipt(true, outcome switch
        {
            PaymentOutcome.DuplicateEvent => "duplicate",
            PaymentOutcome.NotFound => "ignored",
            _ => outcome.ToString().ToLowerInvariant(),
        });
    }
}
