using PartnerWeb.Infrastructure;

namespace PartnerWeb.Tests.Unit;

public sealed class RejectControlCharactersTests
{
    [Theory]
    [InlineData("a\0b", true)]
    [InlineData("\u001b[31mred", true)]
    [InlineData("name\u202Egnp.exe", true)]
    [InlineData("\u2066isolate", true)]
    [InlineData("Zoë 🚀 مرحبا", false)]
    [InlineData("line one\nline two\ttab", false)]
    [InlineData("<script>alert(1)</script>", false)]
    public void Control_and_direction_override_characters_are_hostile(string text, bool hostile) =>
        Assert.Equal(hostile, RejectControlCharacters.IsHostile(text));
}
