namespace PartnerWeb.Domain;

public enum StripeAdjustmentKind
{
    /// <summary>A refund object (<c>re_…</c>): its amount, until it fails or is canceled.</summary>
    Refund,

    /// <summary>A dispute (<c>dp_…</c>): its amount while its funds are withdrawn and not reinstated.</summary>
    Dispute,

    /// <summary>A charge (<c>ch_…</c>) as <c>charge.refunded</c> showed it: the highest cumulative <c>amount_refunded</c> seen.</summary>
    ChargeRefunds,
}

/// <summary>
/// What Stripe told us about one object that takes money back from a payment. Events only ever add to
/// what is known (a refund fails, a dispute's funds are withdrawn or reinstated, a charge's refunded
/// total rises), so the same events in any order leave the same row. Money moves only through
/// <see cref="InvoiceRefund"/> rows, which <see cref="StripeSettlement"/> derives from these.
/// </summary>
public sealed class StripeAdjustment
{
    public required string ObjectId { get; init; }
    public StripeAdjustmentKind Kind { get; init; }
    public string? ChargeId { get; set; }
    public string? PaymentIntentId { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; init; }

    /// <summary>A refund that failed or was canceled: its money came back.</summary>
    public bool Cancelled { get; set; }

    public bool FundsWithdrawn { get; set; }
    public bool FundsReinstated { get; set; }

    /// <summary>Stripe's status of the object as last seen (for people; decisions use the flags).</summary>
    public string? Status { get; set; }

    /// <summary>The payment it was matched to; null while it waits for its payment ("parked").</summary>
    public Guid? PaymentId { get; set; }

    /// <summary>For a refund an admin asked for through our API: its idempotency key, so a repeat answers like the first.</summary>
    public string? RequestKey { get; set; }

    /// <summary>With <see cref="RequestKey"/>: a hash of that request, so the key reused for another is refused.</summary>
    public string? RequestHash { get; set; }

    /// <summary>Raised by every change (a concurrency token): two events merged into one row at once cannot both commit.</summary>
    public int Revision { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public StripeAdjustment Copy() => (StripeAdjustment)MemberwiseClone();

    /// <summary>
    /// What <paramref name="seen"/> adds to this row: flags only turn on, a charge's refunded total only
    /// rises (a refund's or dispute's amount does not change). Merging is commutative, which is why delivery order does not matter.
    /// </summary>
    public bool Merge(StripeAdjustment seen)
    {
        var before = (ChargeId, PaymentIntentId, Amount, Cancelled, FundsWithdrawn, FundsReinstated, Status);
        ChargeId ??= seen.ChargeId;
        PaymentIntentId ??= seen.PaymentIntentId;
        Amount = Math.Max(Amount, seen.Amount);
        Cancelled |= seen.Cancelled;
        FundsWithdrawn |= seen.FundsWithdrawn;
        FundsReinstated |= seen.FundsReinstated;
        Status = seen.Status ?? Status;
        RequestKey ??= seen.RequestKey;
        RequestHash ??= seen.RequestHash;
        return before != (ChargeId, PaymentIntentId, Amount, Cancelled, FundsWithdrawn, FundsReinstated, Status);
    }
}

/// <summary>How much of one payment is refunded and how much is held by disputes.</summary>
public readonly record struct StripeTakeBack(long Refunded, long Disputed)
{
    public long Total => Refunded + Disputed;
}

/// <summary>
/// How much of a payment Stripe has taken back, from everything known about its refunds, disputes and
/// charge. Pure: no EF, no HTTP, no clock.
/// <para>
/// Refunds: each refund id counts once, while it has not failed. Since API version 2022-11-15
/// <c>charge.refunded</c> no longer lists the refunds, only the charge's cumulative
/// <c>amount_refunded</c>; that total may name refunds whose own events have not arrived yet, so the
/// refunded amount is the larger of the two (less the refunds known to have failed since). Every refund
/// in a charge's total also sends its own event, so once they have all arrived the refund ids decide.
/// </para>
/// <para>Disputes: a dispute's amount while its funds are withdrawn and not reinstated (won); an inquiry moves nothing.</para>
/// Both are capped by the payment, refunds first.
/// </summary>
public static class StripeSettlement
{
    /// <summary>The take-back of a payment in <paramref name="currency"/>: objects in another currency are not its (they are logged where they are read).</summary>
    public static StripeTakeBack TakeBack(long paymentAmount, string currency, IEnumerable<StripeAdjustment> adjustments) =>
        TakeBack(paymentAmount, adjustments.Where(a => SameCurrency(a, currency)));

    public static bool SameCurrency(StripeAdjustment adjustment, string currency) =>
        string.Equals(adjustment.Currency, currency, StringComparison.OrdinalIgnoreCase);

    public static StripeTakeBack TakeBack(long paymentAmount, IEnumerable<StripeAdjustment> adjustments)
    {
        long refunds = 0, failed = 0, chargeTotal = 0, disputed = 0;
        foreach (var a in adjustments)
        {
            switch (a.Kind)
            {
                case StripeAdjustmentKind.Refund when a.Cancelled: failed += a.Amount; break;
                case StripeAdjustmentKind.Refund: refunds += a.Amount; break;
                case StripeAdjustmentKind.ChargeRefunds: chargeTotal = Math.Max(chargeTotal, a.Amount); break;
                case StripeAdjustmentKind.Dispute when a.FundsWithdrawn && !a.FundsReinstated: disputed += a.Amount; break;
            }
        }
        var refunded = Math.Clamp(Math.Max(refunds, chargeTotal - failed), 0, paymentAmount);
        return new StripeTakeBack(refunded, Math.Clamp(disputed, 0, paymentAmount - refunded));
    }
}
