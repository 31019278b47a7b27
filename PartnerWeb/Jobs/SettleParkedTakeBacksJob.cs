using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Features.Billing;

namespace PartnerWeb.Jobs;

/// <summary>
/// A refund or dispute that came before its payment is settled when the payment's event is handled; if
/// the instance stopped in between, this finds the parked objects whose payment is now recorded and
/// settles them.
/// </summary>
public sealed class SettleParkedTakeBacksJob(AppDbContext db, StripeTakeBacks takeBacks, ILogger<SettleParkedTakeBacksJob> logger)
{
    private const int BatchSize = 500;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var byIntent = db.StripeAdjustments.Where(a => a.PaymentId == null && a.PaymentIntentId != null)
            .Join(db.StripePayments, a => a.PaymentIntentId, p => p.PaymentIntentId, (a, p) => new { p.PaymentIntentId, p.ChargeId });
        var byCharge = db.StripeAdjustments.Where(a => a.PaymentId == null && a.ChargeId != null)
            .Join(db.StripePayments, a => a.ChargeId, p => p.ChargeId, (a, p) => new { p.PaymentIntentId, p.ChargeId });
        var payments = await byIntent.Union(byCharge).OrderBy(p => p.PaymentIntentId).ThenBy(p => p.ChargeId).Take(BatchSize).ToListAsync(ct);
        var settled = 0;
        foreach (var payment in payments)
        {
            try
            {
                await takeBacks.SettleParkedAsync(payment.PaymentIntentId, payment.ChargeId, ct);
                settled++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One payment that cannot settle must not hold back the others; it is tried again next run.
                logger.LogWarning(ex, "Settling what waited for payment {PaymentIntentId}/{ChargeId} failed", payment.PaymentIntentId, payment.ChargeId);
            }
        }
        return settled;
    }
}
