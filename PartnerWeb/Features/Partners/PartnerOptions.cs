using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

public sealed class PartnerOptions
{
    public DefaultCommissionOptions DefaultCommission { get; set; } = new();
    public string PayoutCron { get; set; } = "0 0 1 * *";

    /// <summary>Days an accrual waits before a payout may take it (refund window). 0 = at once.</summary>
    public int HoldDays { get; set; }

    /// <summary>Per currency (upper-case code), the smallest payout in minor units. Absent = 0.</summary>
    public Dictionary<string, long> MinimumPayout { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When true, the admin who generated a payout may not approve it.</summary>
    public bool RequireSecondApprover { get; set; }

    public long MinimumFor(string currency) => MinimumPayout.TryGetValue(currency, out var minimum) ? minimum : 0;

    public sealed class DefaultCommissionOptions
    {
        public CommissionType Type { get; set; } = CommissionType.Percent;
        public decimal Value { get; set; } = 30m;

        public CommissionRule ToRule() => Type == CommissionType.Percent
            ? CommissionRule.OfPercent(Value)
            : CommissionRule.OfFixed((long)Value);
    }
}
