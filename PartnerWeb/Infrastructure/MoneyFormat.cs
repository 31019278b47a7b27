using System.Globalization;
using PartnerWeb.Domain;

namespace PartnerWeb.Infrastructure;

/// <summary>Minor units → "$129.00", "€9.99", "¥500", "CHF 10.00", with the currency's own decimals; and typed major units back.</summary>
public static class MoneyFormat
{
    private static readonly Dictionary<string, string> Symbols = new()
    {
        ["USD"] = "$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "¥", ["CNY"] = "¥", ["INR"] = "₹", ["KRW"] = "₩",
        ["AUD"] = "A$", ["CAD"] = "C$", ["NZD"] = "NZ$", ["BRL"] = "R$",
    };

    public static string Format(long minorUnits, string currency)
    {
        var digits = Currencies.MinorDigits(currency);
        var major = Math.Abs((decimal)minorUnits) / Pow10(digits);
        var number = major.ToString("N" + digits, CultureInfo.InvariantCulture);
        var sign = minorUnits < 0 ? "-" : "";
        return Symbols.TryGetValue(currency, out var symbol) ? $"{sign}{symbol}{number}" : $"{sign}{currency} {number}";
    }

    /// <summary>Minor units as a person types them, without symbol or grouping: 1250 USD → "12.50", 500 JPY → "500".</summary>
    public static string Plain(long minorUnits, string currency)
    {
        var digits = Currencies.MinorDigits(currency);
        return ((decimal)minorUnits / Pow10(digits)).ToString("F" + digits, CultureInfo.InvariantCulture);
    }

    private static decimal Pow10(int digits)
    {
        var result = 1m;
        for (var i = 0; i < digits; i++) result *= 10m;
        return result;
    }
}
