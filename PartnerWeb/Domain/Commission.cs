namespace PartnerWeb.Domain;

public enum CommissionType
{
    Percent,
    Fixed,
}

/// <summary>The platform's cut of a line: a percentage of it, or a fixed amount per unit.</summary>
public readonly record struct CommissionRule(CommissionType Type, decimal Percent, long FixedAmount)
{
    public static CommissionRule OfPercent(decimal percent) => new(CommissionType.Percent, percent, 0);
    public static CommissionRule OfFixed(long amount) => new(CommissionType.Fixed, 0, amount);

    /// <summary>The number the API shows as <c>commissionValue</c>, without trailing zeros (30, 12.5).</summary>
    public decimal Value => Type == CommissionType.Percent ? Percent / 1.0000000000000000000000000000m : FixedAmount;
}

/// <summary>One invoice line that earns for a partner.</summary>
public readonly record struct EarningLine(Guid PartnerId, CommissionRule Rule, long Amount, int Quantity);

/// <summary>A partner's share of one invoice. Always Gross = Commission + Net.</summary>
public readonly record struct PartnerShare(Guid PartnerId, long Gross, long Commission, long Net);

/// <summary>Commission math. Pure: no EF, no HTTP, no clock.</summary>
public static class CommissionCalculator
{
    /// <summary>
    /// Percent: round(line × value / 100), half away from zero. Fixed: value × quantity, capped at the
    /// line amount, so the platform never takes more than the line.
    /// </summary>
    public static long ForLine(CommissionRule rule, long lineAmount, int quantity) => rule.Type switch
    {
        CommissionType.Percent => Percentages.Of(lineAmount, rule.Percent),
        CommissionType.Fixed => (long)Math.Min((decimal)rule.FixedAmount * quantity, lineAmount),
        _ => throw new ArgumentOutOfRangeException(nameof(rule)),
    };

    /// <summary>Per line, then summed per partner: one share per partner, in first-seen order.</summary>
    public static IReadOnlyList<PartnerShare> ForInvoice(IEnumerable<EarningLine> lines) =>
        lines.GroupBy(l => l.PartnerId)
            .Select(g =>
            {
                var gross = g.Sum(l => l.Amount);
                var commission = g.Sum(l => ForLine(l.Rule, l.Amount, l.Quantity));
                return new PartnerShare(g.Key, gross, commission, gross - commission);
            })
            .ToList();
}
