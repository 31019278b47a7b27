using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Billing;

/// <summary>A Stripe event that changes money; its id makes the delivery idempotent.</summary>
public sealed record StripeEventRef(string Id, string Type);

/// <summary>
/// A processed Stripe event id is the first row a money write saves, so a concurrent or repeated
/// delivery of the same event fails on the primary key before it touches anything else.
/// </summary>
internal static class StripeEventLedger
{
    /// <summary>Whether the event was acted on already: a redelivery decides nothing again.</summary>
    public static Task<bool> SeenAsync(AppDbContext db, string eventId, CancellationToken ct) =>
        db.ProcessedStripeEvents.AnyAsync(e => e.EventId == eventId, ct);

    public static ProcessedStripeEvent Row(StripeEventRef stripeEvent, Guid? invoiceId, string outcome, DateTime now) => new()
    {
        EventId = stripeEvent.Id, Type = stripeEvent.Type, InvoiceId = invoiceId, Outcome = outcome, ReceivedAt = now,
    };
}
