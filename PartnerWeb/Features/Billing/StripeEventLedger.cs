using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Billing;

/// <summary>A Stripe event that changes money; its id makes the delivery idempotent.</summary>
public sealed record StripeEventRef(string Id, string Type);

/// <summary>
/// Records a Stripe event id as the first write of a money transaction, so a concurrent or repeated
/// delivery of the same event fails on the primary key before it touches anything else.
/// </summary>
internal static class StripeEventLedger
{
    /// <returns>The row to complete with its outcome, or null when the event was already processed (the transaction is then rolled back).</returns>
    public static async Task<ProcessedStripeEvent?> TryRecordAsync(
        AppDbContext db, IDbContextTransaction tx, StripeEventRef stripeEvent, Guid invoiceId, DateTime now, CancellationToken ct)
    {
        var processed = Row(stripeEvent, invoiceId, "processing", now);
        db.ProcessedStripeEvents.Add(processed);
        try
        {
            await db.SaveChangesAsync(ct);
            return processed;
        }
        catch (DbUpdateException)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            if (await db.ProcessedStripeEvents.AnyAsync(e => e.EventId == stripeEvent.Id, ct)) return null;
            throw;
        }
    }

    public static ProcessedStripeEvent Row(StripeEventRef stripeEvent, Guid invoiceId, string outcome, DateTime now) => new()
    {
        EventId = stripeEvent.Id, Type = stripeEvent.Type, InvoiceId = invoiceId, Outcome = outcome, ReceivedAt = now,
    };
}
