using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Tests.Unit;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(4900, "10", 490)]
    [InlineData(4900, "0", 0)]
    [InlineData(4900, "100", 4900)]
    [InlineData(999, "12.5", 125)]    // 124.875 → 125
    [InlineData(1, "50", 1)]          // 0.5 → 1, away from zero
    [InlineData(3, "50", 2)]          // 1.5 → 2
    [InlineData(5, "50", 3)]          // 2.5 → 3, not banker's 2
    [InlineData(-5, "50", -3)]        // -2.5 → -3
    [InlineData(12345, "33.33", 4115)] // 4114.5885 → 4115
    public void Percent_of_rounds_half_away_from_zero(long amount, string percent, long expected) =>
        Assert.Equal(expected, Percentages.Of(amount, decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Percent_of_the_largest_amount_does_not_overflow() =>
        Assert.Equal(long.MaxValue, Percentages.Of(long.MaxValue, 100m));

    [Theory]
    [InlineData("0", true)]
    [InlineData("100", true)]
    [InlineData("12.25", true)]
    [InlineData("-0.01", false)]
    [InlineData("100.01", false)]
    [InlineData("1.001", false)]
    public void Valid_percentages(string percent, bool valid) =>
        Assert.Equal(valid, Percentages.IsValid(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("usd", "USD", 2)]
    [InlineData(" Eur ", "EUR", 2)]
    [InlineData("jpy", "JPY", 0)]
    [InlineData("KWD", "KWD", 3)]
    public void Known_currencies_normalize(string input, string code, int digits)
    {
        Assert.True(Currencies.TryNormalize(input, out var normalized));
        Assert.Equal(code, normalized);
        Assert.Equal(digits, Currencies.MinorDigits(normalized));
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("US")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("USDX")]
    public void Unknown_currencies_are_refused(string? input) => Assert.False(Currencies.TryNormalize(input, out _));

    [Theory]
    [InlineData(1250, "USD", "12.50")]
    [InlineData(500, "JPY", "500")]
    [InlineData(1250, "KWD", "1.250")]
    public void Plain_amounts_read_back_as_typed(long minor, string currency, string text)
    {
        Assert.Equal(text, MoneyFormat.Plain(minor, currency));
        Assert.True(MajorUnits.TryToMinor(text, currency, Amounts.MaxPrice, "amount", out var back, out _));
        Assert.Equal(minor, back);
    }
}
