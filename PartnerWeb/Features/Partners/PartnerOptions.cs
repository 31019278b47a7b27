using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

public sealed class PartnerOptions
{
    public DefaultCommissionOptions DefaultCommission { get; set; } = new();
    public string PayoutCron { get; set; } = "0 0 1 * *";

    public sealed class DefaultCommissionOptions
    {
        public CommissionType Type { get; set; } = CommissionType.Percent;
        public decimal Value { get; set; } = 30m;

        public CommissionRule ToRule() => Type == CommissionType.Percent
            ? CommissionRule.OfPercent(Value)
            : CommissionRule.OfFixed((long)Value);
    }
}
