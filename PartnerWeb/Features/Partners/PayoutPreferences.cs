using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// How a partner is paid, one record per <c>method</c> (the JSON discriminator, anywhere in the object). A key
/// the method does not have is refused while the JSON is read; what the values must be is checked by
/// <see cref="Normalize"/>, the one rule for the API and the pages. Stored as this JSON in
/// <see cref="PartnerAccount.PayoutPreferences"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "method", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(BankTransferPreferences), BankTransfer)]
[JsonDerivedType(typeof(PayPalPreferences), PayPal)]
[JsonDerivedType(typeof(StripeConnectPreferences), StripeConnect)]
[Description("How the partner is paid: method bank_transfer (accountHolder, iban), paypal (email) or stripe_connect (nothing else).")]
public abstract record PayoutPreferences
{
    public const string BankTransfer = "bank_transfer";
    public const string PayPal = "paypal";
    public const string StripeConnect = PartnerAccount.StripeConnectMethod;

    /// <summary>What a page shows for a method stored before the methods were fixed (<c>bank</c>, <c>wise</c> …).</summary>
    public const string Other = "other";

    public static readonly IReadOnlyList<string> Methods = [BankTransfer, PayPal, StripeConnect];

    public const string MethodRefusal = "method must be bank_transfer, paypal or stripe_connect.";

    private static readonly JsonSerializerOptions Storage = new(JsonSerializerDefaults.Web);

    /// <summary>The discriminator, which the JSON carries as metadata rather than as a property.</summary>
    [JsonIgnore]
    public string Method => this switch
    {
        BankTransferPreferences => BankTransfer,
        PayPalPreferences => PayPal,
        StripeConnectPreferences => StripeConnect,
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>The values trimmed and normalised, or the errors keyed <c>{prefix}.{field}</c>.</summary>
    public abstract PayoutPreferences? Normalize(string prefix, IDictionary<string, string[]> errors);

    /// <summary>What the audit log keeps: the method and a hint of the destination, never a whole account number.</summary>
    public abstract object AuditSummary();

    public string ToJson() => JsonSerializer.Serialize(this, Storage);

    /// <summary>The method of stored preferences; <see cref="Other"/> for a value from before the methods were fixed.</summary>
    public static string MethodOf(string stored)
    {
        try
        {
            using var json = JsonDocument.Parse(stored);
            return DisplayMethod(json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("method", out var m)
                && m.ValueKind == JsonValueKind.String ? m.GetString() : null);
        }
        catch (JsonException)
        {
            return Other;
        }
    }

    public static string DisplayMethod(string? method) => method is not null && Methods.Contains(method) ? method : Other;

    /// <summary>
    /// What the operator reads, per method: the bank transfer's holder and the IBAN's last four characters (the
    /// whole number stays in the API and the payout's snapshot), the PayPal email, the Stripe account's state (none when <paramref name="stripe"/> is null:
    /// the partner's own page shows that state in its Stripe card).
    /// Values stored before these rules are shown with any hidden character spelled out, an IBAN that fails the
    /// check marked so (whole, since it is no account number), and an unknown method as "other" with its JSON.
    /// </summary>
    public static PayoutPreferencesView Show(JsonElement stored, StripeAccountState? stripe)
    {
        string Raw(string name) => stored.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        string Text(string name) => TextSafety.Reveal(Raw(name));
        string ShownIban() => Domain.Iban.TryNormalize(Raw("iban"), out var iban) ? $"ending in {Domain.Iban.LastFour(iban)}" : $"{Text("iban")} (not a valid IBAN)";
        return MethodOf(stored.GetRawText()) switch
        {
            BankTransfer => new("Bank transfer", [new("Account holder", Text("accountHolder")), new("IBAN", ShownIban())]),
            PayPal => new("PayPal", [new("Email", Text("email"))]),
            StripeConnect => new("Stripe Connect", stripe is not { } state ? [] : [new("Account", state switch
            {
                StripeAccountState.Ready => "ready: payouts enabled",
                StripeAccountState.ActionNeeded => "set up, Stripe needs details from the partner",
                StripeAccountState.Disabled => "disabled by Stripe",
                _ => "not set up yet",
            })]),
            _ => new(Other, [new("Stored as", TextSafety.Reveal(stored.GetRawText()))]),
        };
    }

    /// <summary>
    /// An abstract type has nothing to create, so a body without a known method would fail as "not supported"
    /// (a 500); this makes it a JSON error at <c>payoutPreferences</c> that says which methods there are.
    /// </summary>
    public static void RefuseUnknownMethods(JsonTypeInfo info)
    {
        if (info.Type == typeof(PayoutPreferences)) info.CreateObject = () => throw new JsonException(MethodRefusal);
    }

    protected static void Add(IDictionary<string, string[]> errors, string prefix, string field, string message) =>
        errors[$"{prefix}.{field}"] = [message];
}

/// <summary>Payout preferences as a page shows them: the method's name and its details, label by label.</summary>
public sealed record PayoutPreferencesView(string Method, IReadOnlyList<KeyValuePair<string, string>> Details);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BankTransferPreferences : PayoutPreferences
{
    [Description("The account holder's name, as the bank has it")]
    public string? AccountHolder { get; init; }

    [Description("The IBAN, spaces allowed; checked with mod 97 and stored without spaces, upper-case")]
    public string? Iban { get; init; }

    public override PayoutPreferences? Normalize(string prefix, IDictionary<string, string[]> errors)
    {
        var count = errors.Count;
        if (!TextSafety.TryNormalizeName(AccountHolder, out var holder))
            Add(errors, prefix, "accountHolder", TextSafety.NameRefusal("accountHolder"));
        if (!Domain.Iban.TryNormalize(Iban, out var iban))
            Add(errors, prefix, "iban", "iban must be a valid IBAN (country, check digits and account; the mod-97 check must pass).");
        return errors.Count > count ? null : this with { AccountHolder = holder, Iban = iban };
    }

    public override object AuditSummary() => new { method = Method, ibanLast4 = Domain.Iban.LastFour(Iban ?? "") };
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PayPalPreferences : PayoutPreferences
{
    public const int MaxEmailLength = 254;
    private static readonly EmailAddressAttribute EmailRule = new();

    [Description("The PayPal account's email address")]
    public string? Email { get; init; }

    public override PayoutPreferences? Normalize(string prefix, IDictionary<string, string[]> errors)
    {
        var email = Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength || !EmailRule.IsValid(email) || TextSafety.IsHostile(email))
        {
            Add(errors, prefix, "email", $"email is required: the PayPal account's email address, at most {MaxEmailLength} characters.");
            return null;
        }
        return this with { Email = email };
    }

    /// <summary>The domain only: enough to see that the destination changed.</summary>
    public override object AuditSummary() => new { method = Method, emailDomain = Email?[(Email.LastIndexOf('@') + 1)..] };
}

/// <summary>Paid by a transfer to the partner's Stripe Express account, which the partner sets up from its dashboard.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StripeConnectPreferences : PayoutPreferences
{
    public override PayoutPreferences Normalize(string prefix, IDictionary<string, string[]> errors) => this;

    public override object AuditSummary() => new { method = Method };
}
