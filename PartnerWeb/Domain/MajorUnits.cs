using System.Globalization;

namespace PartnerWeb.Domain;

/// <summary>
/// Amounts people type in major units ("49.00") as minor units of their currency. Only the invariant form is
/// read: a dot for decimals and no group separators, so "49,00" is refused rather than read as 4900.
/// </summary>
public static class MajorUnits
{
    private const NumberStyles Style = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    /// <summary>
    /// The amount in minor units of <paramref name="currency"/> (an ISO 4217 code), in [0, <paramref name="max"/>]
    /// minor units and with no more decimals than the currency has; otherwise a message naming <paramref name="field"/>.
    /// </summary>
    public static bool TryToMinor(string? text, string currency, long max, string field, out long minor, out string error)
    {
        minor = 0;
        error = "";
        var digits = Currencies.MinorDigits(currency);
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"{field} is required.";
            return false;
        }
        if (!decimal.TryParse(text, Style, CultureInfo.InvariantCulture, out var major))
        {
            error = $"{field} must be a number such as {Example(digits)}, with a dot for decimals.";
            return false;
        }
        if (major < 0)
        {
            error = $"{field} must not be negative.";
            return false;
        }
        var scaled = major * Pow10(digits);
        if (decimal.Truncate(scaled) != scaled)
        {
            error = digits == 0 ? $"{field} in {currency} has no decimals." : $"{field} in {currency} has at most {digits} decimals.";
            return false;
        }
        if (scaled > max)
        {
            error = $"{field} must be at most {(max / Pow10(digits)).ToString("F" + digits, CultureInfo.InvariantCulture)} {currency}.";
            return false;
        }
        minor = (long)scaled;
        return true;
    }

    private static string Example(int digits) => (49m).ToString("F" + digits, CultureInfo.InvariantCulture);

    private static decimal Pow10(int digits)
    {
        var result = 1m;
        for (var i = 0; i < digits; i++) result *= 10m;
        return result;
    }
}
