using PartnerWeb.Features.Partners;

namespace PartnerWeb.Features.Dashboards;

/// <summary>
/// Builds the sections both dashboards share, from the same services the API uses. Every caller
/// passes a partner it resolved through <see cref="PartnerAccess"/> (as a <see cref="PartnerDto"/>),
/// so the sections use the services' overloads that do not look the partner up again.
/// </summary>
public sealed class DashboardSections(
    ListingService listings, EarningService earnings, LedgerReader ledger, PayoutService payouts, ChartCache charts, TimeProvider clock)
{
    public const int EarningsPageSize = 20;

    public async Task<ListingsModel> ListingsAsync(PartnerDto partner, bool isAdmin, FormErrors errors, CancellationToken ct, ListingInput? input = null)
    {
        var rows = await listings.ListWithItemsAsync(partner, ct);
        var listable = await listings.ListableItemsAsync(partner.TenantId, ct);
        return new ListingsModel(partner, rows, listable, isAdmin, errors, errors.Any ? input : null);
    }

    public async Task<EarningsModel> EarningsAsync(PartnerDto partner, string? from, string? to, string? cursor, bool isAdmin, CancellationToken ct)
    {
        var (fromInput, toInput) = (Blank(from), Blank(to));
        var query = new EarningsQuery { From = fromInput, To = toInput, Cursor = Blank(cursor), Limit = EarningsPageSize };
        var invalid = Validate(query);
        if (invalid is not null) query = new EarningsQuery { Limit = EarningsPageSize };
        var page = await earnings.ListAsync(partner, query, ct);
        // Unfiltered, the page's totals count every entry, so the chart's key needs no read of its own. Either way
        // the count is read before the chart, so that a chart read after it is at least as new as its key.
        var entries = query.Period().IsWhole ? page.Totals.Sum(t => (long)t.Count) : await ledger.EntryCountAsync(partner.Id, ct);
        return new EarningsModel(partner, query.From, query.To, page, await ChartAsync(partner.Id, query, entries, ct), isAdmin, invalid, fromInput, toInput);
    }

    /// <summary>A chart drawn for the same filter and day since the partner's last entry is drawn again from <see cref="ChartCache"/>.</summary>
    private async Task<EarningsChart> ChartAsync(Guid partnerId, EarningsQuery query, long entries, CancellationToken ct)
    {
        var (fromUtc, toExclusive) = query.Range();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return await charts.GetOrBuildAsync(new ChartKey(partnerId, fromUtc, toExclusive, today, entries),
            () => BuildChartAsync(partnerId, fromUtc, toExclusive, today, ct));
    }

    /// <summary>
    /// The chart's days are decided first, so that only they are read, summed per slot in SQL. Without a start, the
    /// chart begins at the first day with entries of its latest days, which the same read names; only a history short
    /// enough to be drawn by day is read a second time, by day.
    /// </summary>
    private async Task<EarningsChart> BuildChartAsync(Guid partnerId, DateTime? fromUtc, DateTime? toExclusive, DateOnly today, CancellationToken ct)
    {
        var range = ChartRange.Of(fromUtc is { } f ? DateOnly.FromDateTime(f) : null,
            toExclusive is { } t ? DateOnly.FromDateTime(t == DateTime.MaxValue ? t : t.AddTicks(-1)) : null, today);
        var nets = await ledger.NetPerSlotAsync(partnerId, range.Within(fromUtc, toExclusive), range.SlotDays, ct);
        if (fromUtc is null)
        {
            var started = range.StartingAt(nets.Count == 0 ? null : nets.Min(n => n.Day));
            if (started.SlotDays != range.SlotDays) nets = await ledger.NetPerSlotAsync(partnerId, started.Within(null, toExclusive), started.SlotDays, ct);
            range = started;
        }
        return EarningsChart.Build(nets, range);
    }

    public async Task<PayoutsModel> PayoutsAsync(PartnerDto partner, bool isAdmin, FormErrors errors, CancellationToken ct)
    {
        var page = await payouts.ListAsync(partner, new PayoutListQuery { Limit = 100 }, ct);
        return new PayoutsModel(partner, page.Items, isAdmin, errors);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The API answers 400 for a bad filter; the page shows the message and the unfiltered list.</summary>
    private static string? Validate(EarningsQuery query)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        return System.ComponentModel.DataAnnotations.Validator.TryValidateObject(query, new(query), results, validateAllProperties: true)
            ? null
            : string.Join(" ", results.Select(r => r.ErrorMessage));
    }
}
