using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class IbanTests
{
    // Example IBANs of the national banks and the IBAN registry.
    public static TheoryData<string, string> Valid() => new()
    {
        { "DE89 3704 0044 0532 0130 00", "DE89370400440532013000" },
        { "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432" },
        { "fr14 2004 1010 0505 0001 3m02 606", "FR1420041010050500013M02606" },
        { "NL91ABNA0417164300", "NL91ABNA0417164300" },
        { "BE68 5390 0754 7034", "BE68539007547034" },
        { "NO93 8601 1117 947", "NO9386011117947" },
        { "CH93 0076 2011 6238 5295 7", "CH9300762011623852957" },
        { "ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332" },
        { "IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456" },
        { "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "MT84MALT011000012345MTLCAST001S" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_IBANs_are_normalised(string text, string expected)
    {
        Assert.True(Iban.TryNormalize(text, out var iban));
        Assert.Equal(expected, iban);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Changing_any_one_digit_fails_the_check(string text, string normalized)
    {
        _ = text;
        for (var i = 2; i < normalized.Length; i++)
        {
            if (!char.IsAsciiDigit(normalized[i])) continue;
            var changed = normalized[..i] + (char)('0' + (normalized[i] - '0' + 1) % 10) + normalized[(i + 1)..];
            Assert.False(Iban.TryNormalize(changed, out _), $"{changed} (digit {i} changed) passed");
        }
    }

    [Theory]
    [InlineData("DE89370400440532013001", "check digits")]
    [InlineData("DE98370400440532013000", "swapped check digits")]
    [InlineData("DE8937040044053201300", "one short")]
    [InlineData("DE893704004405320130000", "one long")]
    [InlineData("00031302350440407389ED", "reversed")]
    [InlineData("\u202E00031302350440407389ED", "reversed with a right-to-left override")]
    [InlineData("DE89\u200B370400440532013000", "a zero-width space")]
    [InlineData("US12345678901234567890", "a country without IBANs")]
    [InlineData("ZZ89370400440532013000", "no country")]
    [InlineData("DE8937040044053201300O", "a letter O for a zero")]
    [InlineData("ＤＥ89370400440532013000", "fullwidth letters")]
    [InlineData("DE89-3704-0044-0532-0130-00", "dashes")]
    [InlineData("DE", "too short")]
    [InlineData("", "empty")]
    [InlineData(null, "null")]
    public void Other_text_is_not_an_IBAN(string? text, string why)
    {
        Assert.False(Iban.TryNormalize(text, out var iban), why);
        Assert.Equal("", iban);
    }

    [Fact]
    public void Last_four() => Assert.Equal("3000", Iban.LastFour("DE89370400440532013000"));
}
