using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class TextSafetyTests
{
    [Theory]
    [InlineData("a\0b", true)]
    [InlineData("\u001b[31mred", true)]
    [InlineData("\u007f", true)]
    [InlineData("\u0085next line", true)]
    [InlineData("name\u202Egnp.exe", true)]
    [InlineData("\u202Aembedding", true)]
    [InlineData("\u2066isolate", true)]
    [InlineData("\u2069", true)]
    [InlineData("left\u200Eright\u200F", true)]
    [InlineData("arabic\u061Cmark", true)]
    [InlineData("Platform HQ\u200B", true)]
    [InlineData("zero\u200Cwidth\u200Djoiners", true)]
    [InlineData("soft\u00ADhyphen", true)]
    [InlineData("\uFEFFbom", true)]
    [InlineData("word\u2060joiner", true)]
    [InlineData("tag \U000E0041", true)]
    [InlineData("Zoë 🚀 مرحبا שלום", false)]
    [InlineData("line one\nline two\ttab\r\n", false)]
    [InlineData("<script>alert(1)</script>", false)]
    [InlineData("ＦＵＬＬＷＩＤＴＨ", false)]
    [InlineData("", false)]
    public void Control_bidi_and_format_characters_are_hostile(string text, bool hostile) =>
        Assert.Equal(hostile, TextSafety.IsHostile(text));

    /// <summary>Not as theory data: a lone surrogate does not survive the test runner's serialisation of it.</summary>
    [Fact]
    public void A_lone_surrogate_is_hostile()
    {
        Assert.True(TextSafety.IsHostile("lone \uD800 surrogate"));
        Assert.True(TextSafety.IsHostile("lone \uDFFF"));
        Assert.False(TextSafety.IsHostile("pair \uD83D\uDE80"));
        Assert.False(TextSafety.TryNormalizeName("a\uD800b", out _));
    }

    [Theory]
    [InlineData("  Acme Templates  ", "Acme Templates")]
    [InlineData("Ｐｌａｔｆｏｒｍ ＨＱ", "Platform HQ")]
    [InlineData("ﬁne Ⅻ ①", "fine XII 1")]
    [InlineData("Zoë مرحبا", "Zoë مرحبا")]
    [InlineData("Zoe\u0308", "Zoë")]
    public void Names_are_trimmed_and_NFKC_normalised(string text, string expected)
    {
        Assert.True(TextSafety.TryNormalizeName(text, out var name));
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("Platform HQ\u200B")]
    [InlineData("Acme\u202Ecod.exe")]
    [InlineData("two\nlines")]
    [InlineData("tab\there")]
    [InlineData("line\u2028separator")]
    [InlineData("   ")]
    [InlineData("")]
    [InlineData(null)]
    public void Names_refuse_invisible_and_multi_line_text(string? text)
    {
        Assert.False(TextSafety.TryNormalizeName(text, out var name));
        Assert.Equal("", name);
    }

    [Fact]
    public void A_name_is_at_most_200_characters_after_normalisation()
    {
        Assert.True(TextSafety.TryNormalizeName(new string('x', 200), out _));
        // U+FDFA is one character that NFKC spells out in 18: short on the way in, too long once normalised.
        Assert.False(TextSafety.TryNormalizeName(new string('\uFDFA', 12), out _));
    }

    [Fact]
    public void Reveal_shows_each_hidden_character_by_its_code_point()
    {
        Assert.Equal("DE89[U+202E]3704[U+200B]", TextSafety.Reveal("DE89\u202E3704\u200B"));
        Assert.Equal("a[U+D800]b", TextSafety.Reveal("a\uD800b"));
        Assert.Equal("plain\ntext", TextSafety.Reveal("plain\ntext"));
    }
}
