using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class PasswordPolicyTests
{
    private const string Email = "owner@acme.example";

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("Twelve-chars")]
    [InlineData("ünïcödé-pässwörd")]
    public void A_long_uncommon_password_that_is_not_the_email_is_accepted(string password) =>
        Assert.Null(PasswordPolicy.Check(password, Email));

    [Theory]
    [InlineData("", "at least 12")]
    [InlineData("Demo!2345", "at least 12")]
    [InlineData("Eleven-char", "at least 12")]
    [InlineData("owner@acme.example", "email")]
    [InlineData("  OWNER@Acme.Example ", "email")]
    [InlineData("password1234", "common")]
    [InlineData("PASSWORD1234", "common")]
    [InlineData("Qwerty123456", "common")]
    [InlineData("123456789012", "common")]
    public void Short_email_or_common_passwords_are_refused_with_the_reason(string password, string reason)
    {
        var problem = PasswordPolicy.Check(password, Email);
        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_length_is_capped()
    {
        Assert.Null(PasswordPolicy.Check(new string('x', PasswordPolicy.MaximumLength - 1) + "y", Email));
        Assert.Contains("at most", PasswordPolicy.Check(new string('x', PasswordPolicy.MaximumLength + 1), Email));
    }
}
