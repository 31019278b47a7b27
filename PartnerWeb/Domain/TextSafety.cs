using System.Buffers;
using System.Globalization;
using System.Text;

namespace PartnerWeb.Domain;

/// <summary>
/// Text the app stores is shown to people, some of whom act on it (an admin pays the IBAN a partner typed).
/// Control characters, the bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) and
/// every other invisible format character (Unicode category Cf: zero-width space and joiners, soft hyphen,
/// byte-order mark, tags …) can make a value read as something it is not, so they are refused.
/// </summary>
public static class TextSafety
{
    public const string Refusal = "contains control, direction or invisible formatting characters.";

    /// <summary>Each name of the app is at most this long once normalised (the database columns' size).</summary>
    public const int MaxNameLength = 200;

    public static string NameRefusal(string field) =>
        $"{field} must be a name of at most {MaxNameLength} characters on one line, without control, direction or invisible formatting characters.";

    /// <summary>
    /// True when the text holds a control character other than tab, line feed and carriage return (free text
    /// such as a description may have several lines), any Cf character, or a lone surrogate.
    /// </summary>
    public static bool IsHostile(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (!TryRead(text, i, out var rune, out var used) || IsHostile(rune)) return true;
            i += used;
        }
        return false;
    }

    /// <summary>
    /// A name people recognise others by (a partner's display name, a tenant's or an item's name, a bank account's
    /// holder): NFKC-normalised so fullwidth and other compatibility forms become the letters they look like (and
    /// collide with the name they imitate), trimmed, on one line, at most <see cref="MaxNameLength"/> long (NFKC
    /// may lengthen a text), and without <see cref="IsHostile"/> characters.
    /// </summary>
    public static bool TryNormalizeName(string? text, out string name)
    {
        name = "";
        if (text is null || IsHostile(text)) return false;
        var normalized = text.Normalize(NormalizationForm.FormKC).Trim();
        if (normalized.Length is 0 or > MaxNameLength || IsHostile(normalized)) return false;
        foreach (var rune in normalized.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                return false;
        name = normalized;
        return true;
    }

    /// <summary>For showing text stored before these rules: each hostile character becomes a visible <c>[U+202E]</c>.</summary>
    public static string Reveal(string text)
    {
        if (!IsHostile(text)) return text;
        var shown = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length;)
        {
            var ok = TryRead(text, i, out var rune, out var used);
            if (!ok || IsHostile(rune)) shown.Append($"[U+{(ok ? rune.Value : text[i]):X4}]");
            else shown.Append(text, i, used);
            i += used;
        }
        return shown.ToString();
    }

    private static bool IsHostile(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Format => true,
        UnicodeCategory.Control => rune.Value is not ('\t' or '\n' or '\r'),
        _ => false,
    };

    /// <summary>The code point at <paramref name="index"/>; false for a lone surrogate (then one char is used).</summary>
    private static bool TryRead(string text, int index, out Rune rune, out int used)
    {
        var ok = Rune.DecodeFromUtf16(text.AsSpan(index), out rune, out used) == OperationStatus.Done;
        if (!ok) used = 1;
        return ok;
    }
}
