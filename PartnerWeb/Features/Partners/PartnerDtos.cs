using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class ApplyRequest
{
    [Required, StringLength(200)]
    public string? DisplayName { get; init; }

    [Required, EmailAddress, StringLength(254)]
    public string? ContactEmail { get; init; }

    [Required, StringLength(2, MinimumLength = 2)]
    public string? Country { get; init; }

    [Required]
    public PayoutPreferences? PayoutPreferences { get; init; }
}

/// <summary>What a partner changes of itself; at least one of the two. Any other key is refused, not silently ignored.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class UpdatePartnerRequest
{
    [EmailAddress, StringLength(254)]
    public string? ContactEmail { get; init; }

    public PayoutPreferences? PayoutPreferences { get; init; }
}

public sealed class SuspendRequest
{
    [StringLength(500)]
    public string? Reason { get; init; }
}

public sealed class RejectRequest
{
    [StringLength(500)]
    public string? Reason { get; init; }
}

public sealed class CreateListingRequest
{
    [Required]
    public Guid? MarketplaceItemId { get; init; }

    public CommissionType? CommissionType { get; init; }

    [Description("percent: 0–100 with at most two decimals; fixed: integer minor units of the item's currency per unit sold")]
    public decimal? CommissionValue { get; init; }
}

public sealed class UpdateListingRequest
{
    public ListingStatus? Status { get; init; }
    public CommissionType? CommissionType { get; init; }

    [Description("percent: 0–100 with at most two decimals; fixed: integer minor units of the item's currency per unit sold")]
    public decimal? CommissionValue { get; init; }

    [JsonIgnore]
    public bool ChangesCommission => CommissionType is not null || CommissionValue is not null;
}

public sealed class PayoutMarkPaidRequest
{
    [StringLength(200)]
    public string? Reference { get; init; }
}

public sealed class PartnerListQuery : PageQuery
{
    public PartnerStatus? Status { get; init; }

    [StringLength(200)]
    public string? Q { get; init; }
}

public sealed class PayoutListQuery : PageQuery
{
    public PayoutStatus? Status { get; init; }
}

/// <summary><c>from</c>/<c>to</c>: inclusive dates (whole days, UTC) or date-times.</summary>
public sealed class EarningsQuery : PageQuery
{
    public string? From { get; init; }
    public string? To { get; init; }

    /// <summary>The entries created within the range.</summary>
    public IQueryable<PartnerEarning> Filter(IQueryable<PartnerEarning> earnings)
    {
        var (from, to) = Range();
        if (from is { } f) earnings = earnings.Where(e => e.CreatedAt >= f);
        if (to is { } t) earnings = earnings.Where(e => e.CreatedAt < t);
        return earnings;
    }

    /// <summary>The range as whole days and part days, for the running figures.</summary>
    public LedgerPeriod Period()
    {
        var (from, to) = Range();
        return LedgerPeriod.Of(from, to);
    }

    /// <summary>[FromUtc, ToUtcExclusive), either end open.</summary>
    public (DateTime? FromUtc, DateTime? ToUtcExclusive) Range() =>
        (From is null ? null : ParseBound(From, end: false), To is null ? null : ParseBound(To, end: true));

    public override IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var result in base.Validate(context)) yield return result;
        if (From is not null && ParseBound(From, end: false) is null)
            yield return new ValidationResult("from must be a date (2026-11-24) or an ISO 8601 date-time.", [nameof(From)]);
        if (To is not null && ParseBound(To, end: true) is null)
            yield return new ValidationResult("to must be a date (2026-11-24) or an ISO 8601 date-time.", [nameof(To)]);
        var (from, to) = Range();
        if (from is not null && to is not null && from >= to)
            yield return new ValidationResult("from must not be after to.", [nameof(From)]);
    }

    private static DateTime? ParseBound(string value, bool end)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            return end ? (day == DateOnly.MaxValue ? DateTime.MaxValue : start.AddDays(1)) : start;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            var utc = instant.UtcDateTime;
            return end ? AfterItsMicrosecond(utc) : utc;
        }
        return null;
    }

    /// <summary>
    /// An inclusive end made exclusive at the next whole microsecond, not the next tick: PostgreSQL keeps times to
    /// the microsecond and rounds a bound one tick later back to the instant itself, which left out the entries
    /// created at exactly that instant (from the list and from the part days of the totals).
    /// </summary>
    private static DateTime AfterItsMicrosecond(DateTime utc)
    {
        var next = (utc.Ticks / TimeSpan.TicksPerMicrosecond + 1) * TimeSpan.TicksPerMicrosecond;
        return next > DateTime.MaxValue.Ticks ? DateTime.MaxValue : new DateTime(next, DateTimeKind.Utc);
    }
}

/// <summary>
/// The CSV export's filter: the range of <see cref="EarningsQuery"/> and no paging (the file holds every entry
/// of the range), so the document offers no <c>limit</c> or <c>cursor</c> the export would ignore.
/// </summary>
public sealed class EarningsRangeQuery : IValidatableObject
{
    public string? From { get; init; }
    public string? To { get; init; }

    public EarningsQuery ToEarningsQuery() => new() { From = From, To = To };

    public IEnumerable<ValidationResult> Validate(ValidationContext context) => ToEarningsQuery().Validate(context);
}

public sealed record PartnerDto(
    Guid Id, Guid TenantId, PartnerStatus Status, string DisplayName, string ContactEmail, string Country,
    JsonElement PayoutPreferences, DateTime CreatedAt)
{
    public static PartnerDto From(PartnerAccount p) => new(
        p.Id, p.TenantId, p.Status, p.DisplayName, p.ContactEmail, p.Country,
        JsonDocument.Parse(p.PayoutPreferences).RootElement.Clone(), p.CreatedAt);
}

public sealed record ListingDto(
    Guid Id, Guid PartnerId, Guid MarketplaceItemId, CommissionType CommissionType,
    [property: Description("percent: 0–100 with at most two decimals; fixed: integer minor units of the item's currency per unit sold")] decimal CommissionValue,
    ListingStatus Status, DateTime CreatedAt)
{
    public static ListingDto From(PartnerListing l) =>
        new(l.Id, l.PartnerId, l.MarketplaceItemId, l.CommissionType, l.Rule.Value, l.Status, l.CreatedAt);
}

public sealed record EarningDto(
    Guid Id, Guid PartnerId, Guid? InvoiceId, EntryKind Kind, EntryReason Reason, string Currency, long GrossAmount, long CommissionAmount,
    long PartnerNet, Guid? PayoutId, Guid? ReversesEarningId, Guid? RefundId, Guid? ReturnsPayoutId, DateTime PayableAt, DateTime CreatedAt,
    string? InvoiceNumber = null, string? Item = null)
{
    /// <summary>A reversal is a refund's, and number and item are unknown, until <see cref="EarningDetails"/> reads them.</summary>
    public static EarningDto From(PartnerEarning e) => new(
        e.Id, e.PartnerId, e.InvoiceId, e.Kind,
        e.Kind switch { EntryKind.Accrual => EntryReason.Sale, EntryKind.PayoutReturn => EntryReason.PayoutReturned, _ => EntryReason.Refund },
        e.Currency, e.GrossAmount, e.CommissionAmount, e.PartnerNet, e.PayoutId, e.ReversesEarningId, e.RefundId, e.ReturnsPayoutId, e.PayableAt, e.CreatedAt);
}

/// <summary>
/// <see cref="Count"/> is every entry; <see cref="Sales"/> the accruals and <see cref="Refunds"/> the reversals
/// that took money back (refunds and disputes). Money given back again (a failed refund, a dispute won) is neither.
/// </summary>
public sealed record EarningTotals(string Currency, int Count, long GrossAmount, long CommissionAmount, long PartnerNet, int Sales = 0, int Refunds = 0);

/// <summary>
/// What no payout has taken yet, per currency: the whole balance (may be negative after refunds),
/// the part payable now (past its hold), and how much is still missing to the minimum payout.
/// </summary>
public sealed record EarningBalance(string Currency, long Balance, long PayableNow, long MinimumPayout, long MissingForPayout);

public sealed record EarningsPage(
    IReadOnlyList<EarningDto> Items, bool HasMore, string? NextCursor, IReadOnlyList<EarningTotals> Totals, IReadOnlyList<EarningBalance> Balances);

public sealed record PayoutDto(
    Guid Id, Guid PartnerId, string Currency, long Amount, PayoutStatus Status, string? PayoutMethod,
    JsonElement PayoutDetails, string? Reference, int SendAttempts, string? FailureMessage, long ReversedAmount,
    DateTime? ApprovedAt, DateTime? SentAt, DateTime? PaidAt, DateTime? ReversedAt, DateTime CreatedAt)
{
    public static PayoutDto From(PartnerPayout p) => new(
        p.Id, p.PartnerId, p.Currency, p.Amount, p.Status, p.PayoutMethod,
        JsonDocument.Parse(p.PayoutDetails).RootElement.Clone(), p.Reference, p.SendAttempts, p.FailureMessage, p.ReversedAmount,
        p.ApprovedAt, p.SentAt, p.PaidAt, p.ReversedAt, p.CreatedAt);
}

public sealed record GeneratedPayouts(IReadOnlyList<PayoutDto> Payouts);

public sealed record ListingView(ListingDto Listing, string ItemName, long ItemPrice, string ItemCurrency);

public sealed record ItemOption(Guid Id, string Name, long Price, string Currency);

/// <summary>Net earned in a currency on a day, or over a chart slot named by its first day with entries.</summary>
public sealed record SlotNet(DateOnly Day, string Currency, long PartnerNet);
