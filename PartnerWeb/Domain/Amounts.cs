namespace PartnerWeb.Domain;

/// <summary>Bounds of the money amounts the API accepts, in minor units.</summary>
public static class Amounts
{
    /// <summary>
    /// The largest price: twelve digits, as many as Stripe accepts in any currency. Totals, earnings and
    /// payouts are sums of such amounts; with this bound millions of them still fit in a 64-bit integer, where a
    /// price of <see cref="long.MaxValue"/> made the second sale's sums overflow (500 on earnings and payouts).
    /// </summary>
    public const long MaxPrice = 999_999_999_999;
}
