using System.ComponentModel.DataAnnotations;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Features.Dashboards;

/// <summary>The apply form of the partner dashboard; its payout fields become payoutPreferences of the chosen method.</summary>
public sealed class ApplyForm : PayoutFields
{
    [Required(ErrorMessage = "Display name is required."), StringLength(200)]
    public string? DisplayName { get; set; }

    [Required(ErrorMessage = "Contact email is required."), EmailAddress(ErrorMessage = "Contact email is not a valid email address."), StringLength(254)]
    public string? ContactEmail { get; set; }

    [Required(ErrorMessage = "Country is required."), StringLength(2, MinimumLength = 2, ErrorMessage = "Country is a two-letter code, such as US.")]
    public string? Country { get; set; }
}

/// <summary>Messages to show in a fragment: a general one and per-field ones.</summary>
public sealed record FormErrors(string? Message, IReadOnlyDictionary<string, string[]> Fields)
{
    public static readonly FormErrors None = new(null, new Dictionary<string, string[]>());

    public static FormErrors From(Infrastructure.AppError error) => error.Errors is { } fields
        ? From(fields)
        : new FormErrors(error.Title, new Dictionary<string, string[]>());

    /// <summary>The form's own validation (model binding), keyed like the service's errors.</summary>
    public static FormErrors From(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state) => From(state
        .Where(e => e.Value?.Errors.Count > 0)
        .Select(e => KeyValuePair.Create(e.Key, e.Value!.Errors.Select(x => x.ErrorMessage).ToArray())));

    /// <summary>Messages per field, whatever the case of the keys.</summary>
    public static FormErrors From(IEnumerable<KeyValuePair<string, string[]>> fields) => new(null, fields
        .GroupBy(f => f.Key.ToLowerInvariant())
        .ToDictionary(g => g.Key, g => g.SelectMany(f => f.Value).Distinct().ToArray()));

    /// <summary>The messages of a field, which the form and the service may know by different names (<c>iban</c>, <c>payoutPreferences.iban</c>).</summary>
    public string[] For(params string[] fields) =>
        fields.SelectMany(f => Fields.TryGetValue(f.ToLowerInvariant(), out var messages) ? messages : []).Distinct().ToArray();

    public FormErrors With(FormErrors other) => new(Message ?? other.Message, From(Fields.Concat(other.Fields)).Fields);

    public IEnumerable<string> All => (Message is null ? [] : new[] { Message }).Concat(Fields.Values.SelectMany(v => v));
    public bool Any => Message is not null || Fields.Count > 0;
}

/// <param name="Rejected">The tenant's last application was rejected: this one puts the same account back to pending.</param>
public sealed record ApplyFormModel(ApplyForm Form, FormErrors Errors, bool Rejected = false);

/// <param name="Input">What the admin typed into a listing form that was refused, to show it again: the row's (<c>ListingId</c>) or the new listing's.</param>
public sealed record ListingsModel(
    PartnerDto Partner, IReadOnlyList<ListingView> Rows, IReadOnlyList<ItemOption> ListableItems, bool IsAdmin, FormErrors Errors, ListingInput? Input = null)
{
    public string BaseUrl => IsAdmin ? $"/dashboard/admin/partners/{Partner.Id}" : "/dashboard/partners";
}

public sealed record ListingInput(Guid? ListingId, Guid? MarketplaceItemId, string? CommissionType, string? CommissionValue);

/// <param name="FromInput">The filter as typed, shown again when it was refused (then <paramref name="From"/> is null).</param>
public sealed record EarningsModel(
    PartnerDto Partner, string? From, string? To, EarningsPage Page, EarningsChart Chart, bool IsAdmin, string? Error,
    string? FromInput = null, string? ToInput = null)
{
    public string BaseUrl => IsAdmin ? $"/dashboard/admin/partners/{Partner.Id}" : "/dashboard/partners";

    /// <summary>The filter as a query string (with its <c>?</c>), empty without one.</summary>
    public string Filter => FilterQuery.Length == 0 ? "" : "?" + FilterQuery;

    private string FilterQuery => string.Join('&',
        new[] { From is null ? null : $"from={Uri.EscapeDataString(From)}", To is null ? null : $"to={Uri.EscapeDataString(To)}" }.OfType<string>());

    /// <summary>The page with this filter: what the address bar shows, so a reload or a shared link shows the same.</summary>
    public string PageUrl => BaseUrl + Filter;

    public string SectionUrl => $"{BaseUrl}/earnings{Filter}";

    public string CsvUrl => $"{BaseUrl}/earnings.csv{Filter}";

    public string MoreUrl => $"{BaseUrl}/earnings?cursor={Uri.EscapeDataString(Page.NextCursor ?? "")}" + (FilterQuery.Length == 0 ? "" : "&" + FilterQuery);
}

public sealed record EarningRowsModel(EarningsModel Earnings);

public sealed record PayoutsModel(PartnerDto Partner, IReadOnlyList<PayoutDto> Payouts, bool IsAdmin, FormErrors Errors);

/// <summary>The whole partner dashboard: the apply form, or the account with its sections.</summary>
public sealed record PartnerDashboardModel(
    ApplyFormModel? Apply, PartnerDto? Partner, ListingsModel? Listings, EarningsModel? Earnings, PayoutsModel? Payouts, StripePayoutsModel? Stripe = null,
    PublishFormModel? Publish = null, ProfileFormModel? Profile = null);

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

/// <param name="LedgerMismatches">Partners the ledger check found out of step lately (the full page's alert).</param>
public sealed record PartnerTableModel(string? Status, string? Q, IReadOnlyList<PartnerRowModel> Rows, string? NextCursor, int LedgerMismatches = 0);

public sealed record AdminPartnerModel(PartnerDto Partner, ListingsModel Listings, EarningsModel Earnings, PayoutsModel Payouts, PartnerHeaderModel Header);
