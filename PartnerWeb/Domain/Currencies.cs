using System.Collections.Frozen;

namespace PartnerWeb.Domain;

/// <summary>ISO 4217 codes in use, with the number of minor-unit digits of each.</summary>
public static class Currencies
{
    private static readonly FrozenSet<string> ZeroDecimal =
        FrozenSet.ToFrozenSet(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]);

    private static readonly FrozenSet<string> ThreeDecimal =
        FrozenSet.ToFrozenSet(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

    private static readonly FrozenSet<string> TwoDecimal = FrozenSet.ToFrozenSet(
    [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND",
        "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CUP", "CVE", "CZK",
        "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
        "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK",
        "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
        "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON",
        "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
        "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VES", "WST", "XCD",
        "YER", "ZAR", "ZMW", "ZWG",
    ]);

    public const string Refusal = "currency must be an ISO 4217 code, such as USD.";

    /// <summary>The upper-case code when <paramref name="code"/> is a known currency in any case.</summary>
    public static bool TryNormalize(string? code, out string normalized)
    {
        normalized = (code ?? "").Trim().ToUpperInvariant();
        return normalized.Length == 3 && (TwoDecimal.Contains(normalized) || ZeroDecimal.Contains(normalized) || ThreeDecimal.Contains(normalized));
    }

    public static int MinorDigits(string code) =>
        ZeroDecimal.Contains(code) ? 0 : ThreeDecimal.Contains(code) ? 3 : 2;
}
