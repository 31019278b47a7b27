using System.ComponentModel.DataAnnotations;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Features.Dashboards;

/// <summary>The apply form of the partner dashboard; its payout fields become payoutPreferences of the chosen method.</summary>
public sealed class ApplyForm : IValidatableObject
{
    [Required(ErrorMessage = "Display name is required."), StringLength(200)]
    public string? DisplayName { get; set; }

    [Required(ErrorMessage = "Contact email is required."), EmailAddress(ErrorMessage = "Contact email is not a valid email address."), StringLength(254)]
    public string? ContactEmail { get; set; }

    [Required(ErrorMessage = "Country is required."), StringLength(2, MinimumLength = 2, ErrorMessage = "Country is a two-letter code, such as US.")]
    public string? Country { get; set; }

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
}

/// <summary>Messages to show in a fragment: a general one and per-field ones.</summary>
public sealed record FormErrors(string? Message, IReadOnlyDictionary<string, string[]> Fields)
{
    public static readonly FormErrors None = new(null, new Dictionary<string, string[]>());

    public static FormErrors From(Infrastructure.AppError error) => error.Errors is { } fields
        ? new FormErrors(null, fields.ToDictionary(f => f.Key.ToLowerInvariant(), f => f.Value))
        : new FormErrors(error.Title, new Dictionary<string, string[]>());

    /// <summary>The form's own validation (model binding), keyed like the service's errors.</summary>
    public static FormErrors From(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state) => new(null, state
        .Where(e => e.Value?.Errors.Count > 0)
        .ToDictionary(e => e.Key.ToLowerInvariant(), e => e.Value!.Errors.Select(x => x.ErrorMessage).ToArray()));

    public string[] For(string field) => Fields.TryGetValue(field.ToLowerInvariant(), out var messages) ? messages : [];

    public IEnumerable<string> All => (Message is null ? [] : new[] { Message }).Concat(Fields.Values.SelectMany(v => v));
    public bool Any => Message is not null || Fields.Count > 0;
}

/// <param name="Rejected">The tenant's last application was rejected: this one puts the same account back to pending.</param>
public sealed record ApplyFormModel(ApplyForm Form, FormErrors Errors, bool Rejected = false);

public sealed record ListingsModel(
    PartnerDto Partner, IReadOnlyList<ListingView> Rows, IReadOnlyList<ItemOption> ListableItems, bool IsAdmin, FormErrors Errors)
{
    public string BaseUrl => IsAdmin ? $"/dashboard/admin/partners/{Partner.Id}" : "/dashboard/partners";
}

public sealed record EarningsModel(
    PartnerDto Partner, string? From, string? To, EarningsPage Page, EarningsChart Chart, bool IsAdmin, string? Error)
{
    public string BaseUrl => IsAdmin ? $"/dashboard/admin/partners/{Partner.Id}" : "/dashboard/partners";

    public string MoreUrl => $"{BaseUrl}/earnings?cursor={Uri.EscapeDataString(Page.NextCursor ?? "")}"
        + (From is null ? "" : $"&from={Uri.EscapeDataString(From)}") + (To is null ? "" : $"&to={Uri.EscapeDataString(To)}");
}

public sealed record EarningRowsModel(EarningsModel Earnings);

public sealed record PayoutsModel(PartnerDto Partner, IReadOnlyList<PayoutDto> Payouts, bool IsAdmin, FormErrors Errors);

/// <summary>The whole partner dashboard: the apply form, or the account with its sections.</summary>
public sealed record PartnerDashboardModel(
    ApplyFormModel? Apply, PartnerDto? Partner, ListingsModel? Listings, EarningsModel? Earnings, PayoutsModel? Payouts, StripePayoutsModel? Stripe = null);

/// <summary>
/// "Payouts with Stripe": the connected account's state, whether this server can reach Stripe, how the partner
/// came back from Stripe's pages (<c>?stripe=return</c> or <c>refresh</c>), and why the last set-up failed.
/// </summary>
public sealed record StripePayoutsModel(PartnerDto Partner, PartnerStripeDto Account, bool Configured, string? Returned, string? Error)
{
    public static readonly string NotConfiguredMessage = $"Payouts with Stripe are not available: {Billing.StripeGateway.NotConfigured.Title}";

    /// <summary>The same conditions the set-up itself checks, so the button is offered only where it can work.</summary>
    public bool OffersSetUp => Configured && Partner.Status == Domain.PartnerStatus.Approved
        && Account.State is Domain.StripeAccountState.None or Domain.StripeAccountState.ActionNeeded;
}

/// <param name="Balances">Per currency, what no payout has taken yet (the partner's own balance); null where the page does not show it.</param>
public sealed record PartnerRowModel(PartnerDto Partner, string? Error, IReadOnlyList<EarningBalance>? Balances = null);

/// <summary>The head of an admin's partner page: who it is, how it is paid, and Reject while the application is pending.</summary>
public sealed record PartnerHeaderModel(
    PartnerDto Partner, string? TenantName, PayoutPreferencesView Preferences, IReadOnlyList<EarningBalance> Balances, FormErrors Errors, string? Reason = null);

public sealed record PartnerTableModel(string? Status, string? Q, IReadOnlyList<PartnerRowModel> Rows, string? NextCursor);

public sealed record AdminPartnerModel(PartnerDto Partner, ListingsModel Listings, EarningsModel Earnings, PayoutsModel Payouts, PartnerHeaderModel Header);
