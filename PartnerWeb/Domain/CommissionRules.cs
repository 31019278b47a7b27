namespace PartnerWeb.Domain;

public static class CommissionRules
{
    /// <summary>
    /// Percent: 0–100 with at most two decimals. Fixed: whole minor units, at least 0.
    /// Returns the rule, or the message for <c>commissionValue</c>.
    /// </summary>
    public static (CommissionRule? Rule, string? Error) Create(CommissionType type, decimal value) => type switch
    {
        CommissionType.Percent when Percentages.IsValid(value) => (CommissionRule.OfPercent(value), null),
        CommissionType.Percent => (null, "A percent commission must be between 0 and 100 with at most two decimals."),
        CommissionType.Fixed when value >= 0 && decimal.Truncate(value) == value && value <= long.MaxValue =>
            (CommissionRule.OfFixed((long)value), null),
        CommissionType.Fixed => (null, "A fixed commission must be a whole number of minor units, 0 or more."),
        _ => (null, "Unknown commission type."),
    };
}
