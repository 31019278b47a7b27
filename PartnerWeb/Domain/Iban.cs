using System.Collections.Frozen;

namespace PartnerWeb.Domain;

/// <summary>International Bank Account Numbers (ISO 13616): the shape and the mod-97 check, not whether the account exists.</summary>
public static class Iban
{
    /// <summary>The length of an IBAN per country that issues them (the IBAN registry); other countries have none.</summary>
    private static readonly FrozenDictionary<string, int> Lengths = (
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 " +
        "FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 " +
        "LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 " +
        "RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30")
        .Split(' ').ToFrozenDictionary(e => e[..2], e => int.Parse(e[2..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Spaces removed and upper-cased; valid when the country issues IBANs, the length is that country's, the rest
    /// is ASCII letters and digits, and the number passes the mod-97 check (a changed digit or two swapped fail it).
    /// </summary>
    public static bool TryNormalize(string? text, out string iban)
    {
        iban = (text ?? "").Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var valid = iban.Length >= 4
            && Lengths.TryGetValue(iban[..2], out var length) && iban.Length == length
            && char.IsAsciiDigit(iban[2]) && char.IsAsciiDigit(iban[3])
            && iban.All(char.IsAsciiLetterOrDigit)
            && Mod97(iban) == 1;
        if (!valid) iban = "";
        return valid;
    }

    /// <summary>The last four characters, which is all an audit record or a list shows of an account.</summary>
    public static string LastFour(string iban) => iban.Length <= 4 ? iban : iban[^4..];

    /// <summary>The first four characters moved to the end, letters as 10–35, the number taken mod 97 digit by digit.</summary>
    private static int Mod97(string iban)
    {
        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97;
        }
        return remainder;
    }
}
