namespace PartnerWeb.Domain;

/// <summary>
/// How much of an accrued amount a refund takes back. Pure: no EF, no HTTP, no clock.
/// Each refund takes round(original × after / total) − round(original × before / total), where
/// before/after are the invoice's cumulative refunds around it. The shares telescope, so the
/// refunds of an invoice together take back exactly round(original × refunded / total), and a
/// full refund exactly the original, whatever order the reversals are computed in.
/// </summary>
public static class Reversals
{
    public static long Share(long original, long invoiceTotal, long refundedBefore, long refundedAfter)
    {
        if (invoiceTotal <= 0) return refundedAfter > refundedBefore ? original : 0;
        return Proportion(original, refundedAfter, invoiceTotal) - Proportion(original, refundedBefore, invoiceTotal);
    }

    /// <summary>round(value × numerator / denominator), half away from zero, without overflow.</summary>
    public static long Proportion(long value, long numerator, long denominator)
    {
        var product = (Int128)value * numerator;
        var quotient = product / denominator;
        var remainder = product % denominator;
        if (Int128.Abs(remainder) * 2 >= Int128.Abs((Int128)denominator))
            quotient += (product < 0) == (denominator < 0) ? 1 : -1;
        return (long)quotient;
    }
}
