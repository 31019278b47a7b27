using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class CommissionCalculatorTests
{
    private static CommissionRule Percent(string value) => CommissionRule.OfPercent(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

    // rule, line amount, quantity → commission (net = amount − commission)
    public static TheoryData<string, long, int, long> Lines => new()
    {
        { "percent 0", 4900, 1, 0 },
        { "percent 100", 4900, 1, 4900 },
        { "percent 30", 12900, 1, 3870 },
        { "percent 12.5", 999, 1, 125 },      // 124.875 → 125
        { "percent 12.5", 1003, 1, 125 },     // 125.375 → 125
        { "percent 12.5", 1004, 1, 126 },     // 125.5 → 126, half away from zero
        { "percent 33.33", 1, 1, 0 },         // 0.3333 → 0
        { "percent 50", 1, 1, 1 },            // 0.5 → 1
        { "percent 30", 500, 1, 150 },        // JPY: 500 yen, no minor digits, same math
        { "percent 30", 333, 1, 100 },        // JPY: 99.9 → 100
        { "fixed 500", 4900, 1, 500 },
        { "fixed 500", 4900, 3, 1500 },       // per unit
        { "fixed 6000", 4900, 1, 4900 },      // capped at the line
        { "fixed 2000", 4900, 3, 4900 },      // 6000 capped at 4900
        { "fixed 0", 4900, 2, 0 },
        { "fixed 9223372036854775807", 4900, 2, 4900 }, // no overflow
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Line_commission(string rule, long amount, int quantity, long expected)
    {
        var parts = rule.Split(' ');
        var commissionRule = parts[0] == "percent" ? Percent(parts[1]) : CommissionRule.OfFixed(long.Parse(parts[1]));
        var commission = CommissionCalculator.ForLine(commissionRule, amount, quantity);
        Assert.Equal(expected, commission);
        Assert.InRange(commission, 0, amount);
    }

    [Fact]
    public void Lines_are_computed_one_by_one_then_summed_per_partner()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var shares = CommissionCalculator.ForInvoice(
        [
            new EarningLine(a, Percent("12.5"), 1004, 1),   // 126 (a sum-then-round would give 125+125=251 below)
            new EarningLine(a, Percent("12.5"), 1004, 1),   // 126
            new EarningLine(b, CommissionRule.OfFixed(300), 1000, 2), // 600
            new EarningLine(b, CommissionRule.OfFixed(300), 100, 1),  // capped at 100
        ]);

        Assert.Equal(2, shares.Count);
        Assert.Equal(new PartnerShare(a, 2008, 252, 1756), shares.Single(s => s.PartnerId == a));
        Assert.Equal(new PartnerShare(b, 1100, 700, 400), shares.Single(s => s.PartnerId == b));
        Assert.All(shares, s => Assert.Equal(s.Gross, s.Commission + s.Net));
    }

    [Fact]
    public void No_lines_no_shares() => Assert.Empty(CommissionCalculator.ForInvoice([]));

    [Theory]
    [InlineData("percent", "30", true)]
    [InlineData("percent", "100.5", false)]
    [InlineData("percent", "-1", false)]
    [InlineData("percent", "12.345", false)]
    [InlineData("fixed", "500", true)]
    [InlineData("fixed", "0", true)]
    [InlineData("fixed", "1.5", false)]
    [InlineData("fixed", "-1", false)]
    public void Rules_are_validated(string type, string value, bool valid)
    {
        var (rule, error) = CommissionRules.Create(type == "percent" ? CommissionType.Percent : CommissionType.Fixed,
            decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(valid, rule is not null);
        Assert.Equal(valid, error is null);
    }
}
