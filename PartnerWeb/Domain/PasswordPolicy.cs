namespace PartnerWeb.Domain;

/// <summary>
/// What a password someone chooses must be: at least 12 characters, not the account's email, not one of a
/// small list of the most common passwords (compared ignoring case). Every place that sets a password asks
/// this one rule; the demo seeder does not (its password is configuration, not a user's choice).
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 12;

    /// <summary>Long passphrases are welcome; the cap only keeps hashing cheap and the column bounded by what it hashes.</summary>
    public const int MaximumLength = 200;

    // Lists of leaked passwords, kept to the entries long enough to pass the length rule.
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "123456789000", "123412341234", "111111111111",
        "000000000000", "121212121212", "123123123123", "987654321098", "aaaaaaaaaaaa", "abcdefghijkl",
        "abc123456789", "abcd12345678", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop12", "qwerty123456",
        "qwertyuiopas", "qwertyqwerty", "asdfghjkl123", "zxcvbnm12345", "password1234", "password123!",
        "password@123", "passwordpassword", "password12345", "p@ssw0rd1234", "iloveyou1234", "letmein12345",
        "welcome12345", "welcome@1234", "changeme1234", "administrator", "admin1234567", "adminadmin12",
        "football1234", "baseball1234", "sunshine1234", "princess1234", "monkey123456", "dragon123456",
        "trustno1trustno1", "superman1234", "starwars1234", "whatever1234", "qazwsxedcrfv", "partnerweb12",
        "partnerweb123", "partnerweb2026",
    };

    /// <returns>Why the password is refused, or null when it may be used.</returns>
    public static string? Check(string password, string email)
    {
        if (password.Length < MinimumLength) return $"The password must be at least {MinimumLength} characters long.";
        if (password.Length > MaximumLength) return $"The password must be at most {MaximumLength} characters long.";
        if (string.Equals(password.Trim(), User.NormalizeEmail(email), StringComparison.OrdinalIgnoreCase))
            return "The password must not be the email address.";
        if (Common.Contains(password.Trim())) return "This password is too common; choose another.";
        return null;
    }
}
