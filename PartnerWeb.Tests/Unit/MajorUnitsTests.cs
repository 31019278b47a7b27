using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class MajorUnitsTests
{
    [Theory]
    [InlineData("49.00", "USD", 4900)]
    [InlineData("49", "USD", 4900)]
    [InlineData(" 0.5 ", "EUR", 50)]
    [InlineData("49.000", "USD", 4900)]
    [InlineData("500", "JPY", 500)]
    [InlineData("1.25", "KWD", 1250)]
    [InlineData("0", "USD", 0)]
    [InlineData("9999999999.99", "USD", Amounts.MaxPrice)]
    public void Major_units_become_minor_units_with_the_currency_digits(string text, string currency, long expected)
    {
        Assert.True(MajorUnits.TryToMinor(text, currency, Amounts.MaxPrice, "price", out var minor, out var error), error);
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("abc", "USD", "price must be a number such as 49.00, with a dot for decimals.")]
    [InlineData("49,00", "USD", "price must be a number such as 49.00, with a dot for decimals.")]
    [InlineData("1,000.00", "USD", "price must be a number such as 49.00, with a dot for decimals.")]
    [InlineData("1e3", "USD", "price must be a number such as 49.00, with a dot for decimals.")]
    [InlineData("", "USD", "price is required.")]
    [InlineData(null, "USD", "price is required.")]
    [InlineData("-1.00", "USD", "price must not be negative.")]
    [InlineData("49.001", "USD", "price in USD has at most 2 decimals.")]
    [InlineData("1.5", "JPY", "price in JPY has no decimals.")]
    [InlineData("10000000000.00", "USD", "price must be at most 9999999999.99 USD.")]
    [InlineData("99999999999999999999999999999999", "USD", "price must be a number such as 49.00, with a dot for decimals.")]
    public void Anything_else_is_refused_with_a_message_naming_the_field(string? text, string currency, string message)
    {
        Assert.False(MajorUnits.TryToMinor(text, currency, Amounts.MaxPrice, "price", out var minor, out var error));
        Assert.Equal(message, error);
        Assert.Equal(0, minor);
    }
}
