using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using PartnerWeb.Domain;
using PartnerWeb.Features.Marketplace;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Features.Dashboards;

/// <summary>The payout fields of the apply and profile forms: those of the chosen method become its payoutPreferences.</summary>
public abstract class PayoutFields : IValidatableObject
{
    [Required(ErrorMessage = "Payout method is required."), StringLength(50)]
    public string? PayoutMethod { get; set; }

    /// <summary>For a bank transfer.</summary>
    [StringLength(200)]
    public string? AccountHolder { get; set; }

    /// <summary>For a bank transfer.</summary>
    [StringLength(64)]
    public string? Iban { get; set; }

    /// <summary>For PayPal.</summary>
    [StringLength(254)]
    public string? PayPalEmail { get; set; }

    /// <summary>The preferences of the chosen method; the service checks their values as it does the API's.</summary>
    public PayoutPreferences Preferences() => PayoutMethod switch
    {
        PayoutPreferences.BankTransfer => new BankTransferPreferences { AccountHolder = AccountHolder, Iban = Iban },
        PayoutPreferences.PayPal => new PayPalPreferences { Email = PayPalEmail },
        PayoutPreferences.StripeConnect => new StripeConnectPreferences(),
        _ => throw new InvalidOperationException("The payout method was not validated."),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PayoutMethod is not null && !PayoutPreferences.Methods.Contains(PayoutMethod))
            yield return new ValidationResult("Payout method must be bank transfer, PayPal or Stripe Connect.", [nameof(PayoutMethod)]);
    }

    public static readonly IReadOnlyList<(string Method, string Label)> MethodLabels =
        [(PayoutPreferences.BankTransfer, "Bank transfer"), (PayoutPreferences.PayPal, "PayPal"), (PayoutPreferences.StripeConnect, "Stripe Connect")];
}

/// <summary>The partner's contact email and payout preferences, as PATCH /api/partners/{id} changes them.</summary>
public sealed class ProfileForm : PayoutFields
{
    [Required(ErrorMessage = "Contact email is required."), EmailAddress(ErrorMessage = "Contact email is not a valid email address."), StringLength(254)]
    public string? ContactEmail { get; set; }

    /// <summary>The form as it opens: the current values, but never the stored IBAN, of which the page shows the last four only.</summary>
    public static ProfileForm Of(PartnerDto partner)
    {
        var stored = partner.PayoutPreferences;
        string? Text(string name) => stored.ValueKind == JsonValueKind.Object && stored.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var method = PayoutPreferences.MethodOf(stored.GetRawText());
        return new ProfileForm
        {
            ContactEmail = partner.ContactEmail,
            PayoutMethod = method == PayoutPreferences.Other ? PayoutPreferences.BankTransfer : method,
            AccountHolder = method == PayoutPreferences.BankTransfer ? Text("accountHolder") : null,
            PayPalEmail = method == PayoutPreferences.PayPal ? Text("email") : null,
        };
    }
}

/// <param name="Saved">Set once the change is stored: the card says so.</param>
public sealed record ProfileFormModel(PartnerDto Partner, ProfileForm Form, FormErrors Errors, bool Saved = false)
{
    public PayoutPreferencesView Current => PayoutPreferences.Show(Partner.PayoutPreferences, stripe: null);
}

/// <summary>
/// Publishing an item from the dashboard: the price is typed in major units ("49.00") and becomes minor units of
/// the chosen currency; the rest is the API's <see cref="CreateItemRequest"/>, which the same service publishes.
/// </summary>
public sealed class PublishForm
{
    public static readonly IReadOnlyList<(ItemType Type, string Label)> Types = [(ItemType.Template, "Template"), (ItemType.Addon, "Add-on"), (ItemType.Service, "Service")];

    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Price { get; set; }
    public string? Currency { get; set; } = "USD";
    public string? Description { get; set; }

    /// <summary>The API's request, or null with the errors keyed as the API keys them.</summary>
    public CreateItemRequest? ToRequest(IDictionary<string, string[]> errors)
    {
        var count = errors.Count;
        var known = Enum.TryParse<ItemType>(Type, ignoreCase: true, out var type) && Enum.IsDefined(type) && !int.TryParse(Type, out _);
        if (!known) errors["type"] = ["type must be template, addon or service."];
        long price = 0;
        if (!Domain.Currencies.TryNormalize(Currency, out var currency)) errors["currency"] = [Domain.Currencies.Refusal];
        else if (!MajorUnits.TryToMinor(Price, currency, Amounts.MaxPrice, "price", out price, out var error)) errors["price"] = [error];
        if (errors.Count > count) return null;

        var request = new CreateItemRequest { Name = Name, Type = type, Price = price, Currency = currency, Description = Description };
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true)) return request;
        foreach (var result in results)
            foreach (var member in result.MemberNames) errors[JsonNamingPolicy.CamelCase.ConvertName(member)] = [result.ErrorMessage ?? "is not valid."];
        return null;
    }
}

/// <param name="Published">The item just published, which the listings card now offers.</param>
public sealed record PublishFormModel(PublishForm Form, FormErrors Errors, ItemDto? Published = null);
