namespace PartnerWeb.Domain;

/// <summary>
/// What a set of ledger entries adds up to: the figures a partner's pages show. Kept twice, per partner
/// and currency (<see cref="PartnerLedgerTotal"/>) and per day (<see cref="PartnerLedgerDay"/>), and
/// changed in the same transaction as every entry written or attached, so a read never sums the ledger.
/// </summary>
public readonly record struct LedgerFigures(long Entries, long Sales, long Refunds, long Gross, long Commission, long Net)
{
    public static LedgerFigures Of(PartnerEarning entry) => new(
        1, entry.Kind == EntryKind.Accrual ? 1 : 0, entry.Kind == EntryKind.Reversal && entry.GrossAmount < 0 ? 1 : 0,
        entry.GrossAmount, entry.CommissionAmount, entry.PartnerNet);

    public static LedgerFigures operator +(LedgerFigures a, LedgerFigures b) => new(
        a.Entries + b.Entries, a.Sales + b.Sales, a.Refunds + b.Refunds, a.Gross + b.Gross, a.Commission + b.Commission, a.Net + b.Net);
}

/// <summary>A partner's ledger in one currency, whole: what its entries add up to, and the part no payout has taken.</summary>
public sealed class PartnerLedgerTotal
{
    public Guid PartnerId { get; init; }
    public required string Currency { get; init; }
    public long Entries { get; init; }
    public long Sales { get; init; }
    public long Refunds { get; init; }
    public long Gross { get; init; }
    public long Commission { get; init; }
    public long Net { get; init; }

    /// <summary>How many entries no payout has taken yet.</summary>
    public long UnattachedEntries { get; init; }

    /// <summary>Σ partnerNet of the entries no payout has taken yet: the balance.</summary>
    public long Unattached { get; init; }

    public LedgerFigures Figures => new(Entries, Sales, Refunds, Gross, Commission, Net);
}

/// <summary>
/// A partner's ledger in one currency on one UTC day: the entries created that day, and what becomes payable
/// that day. The second is what makes "payable now" cheap: entries payable after today were never attached
/// (a payout takes only payable entries), so the days after today add up what is still held.
/// </summary>
public sealed class PartnerLedgerDay
{
    public Guid PartnerId { get; init; }
    public required string Currency { get; init; }
    public DateOnly Day { get; init; }
    public long Entries { get; init; }
    public long Sales { get; init; }
    public long Refunds { get; init; }
    public long Gross { get; init; }
    public long Commission { get; init; }
    public long Net { get; init; }

    /// <summary>Σ partnerNet of the entries whose <see cref="PartnerEarning.PayableAt"/> falls on this day, attached or not.</summary>
    public long BecomingPayable { get; init; }

    public LedgerFigures Figures => new(Entries, Sales, Refunds, Gross, Commission, Net);
}

/// <summary>What new entries add to the running figures: one change per (partner, currency), one per (partner, currency, day).</summary>
public sealed record LedgerChanges(
    IReadOnlyList<(Guid PartnerId, string Currency, LedgerFigures Figures, long Unattached, long UnattachedEntries)> Totals,
    IReadOnlyList<(Guid PartnerId, string Currency, DateOnly Day, LedgerFigures Figures, long BecomingPayable)> Days)
{
    public bool IsEmpty => Totals.Count == 0;

    /// <summary>
    /// Sorted by key, so that concurrent writers on a server database lock the same rows in the same order and
    /// never deadlock on each other.
    /// </summary>
    public static LedgerChanges Of(IEnumerable<PartnerEarning> added)
    {
        var entries = added.ToList();
        var totals = entries.GroupBy(e => (e.PartnerId, e.Currency))
            .Select(g => (g.Key.PartnerId, g.Key.Currency, Sum(g),
                g.Where(e => e.PayoutId is null).Sum(e => e.PartnerNet), (long)g.Count(e => e.PayoutId is null)))
            .OrderBy(t => t.PartnerId).ThenBy(t => t.Currency, StringComparer.Ordinal).ToList();
        var created = entries.Select(e => (e.PartnerId, e.Currency, Day: DayOf(e.CreatedAt), Figures: LedgerFigures.Of(e), Payable: 0L));
        var payable = entries.Select(e => (e.PartnerId, e.Currency, Day: DayOf(e.PayableAt), Figures: default(LedgerFigures), Payable: e.PartnerNet));
        var days = created.Concat(payable).GroupBy(d => (d.PartnerId, d.Currency, d.Day))
            .Select(g => (g.Key.PartnerId, g.Key.Currency, g.Key.Day, g.Aggregate(default(LedgerFigures), (s, d) => s + d.Figures), g.Sum(d => d.Payable)))
            .OrderBy(d => d.PartnerId).ThenBy(d => d.Currency, StringComparer.Ordinal).ThenBy(d => d.Day).ToList();
        return new LedgerChanges(totals, days);
    }

    public static DateOnly DayOf(DateTime utc) => DateOnly.FromDateTime(utc);

    private static LedgerFigures Sum(IEnumerable<PartnerEarning> entries) =>
        entries.Aggregate(default(LedgerFigures), (s, e) => s + LedgerFigures.Of(e));
}

/// <summary>
/// A filter [from, to) over entry creation times, split into the whole UTC days inside it (read from the day
/// figures) and at most two part days at its ends (read from those days' entries only), so a period costs
/// its number of days, never its number of entries.
/// </summary>
public sealed record LedgerPeriod(DateOnly? FirstDay, DateOnly? EndDay, bool NoWholeDays, IReadOnlyList<(DateTime From, DateTime To)> PartDays)
{
    public bool IsWhole => FirstDay is null && EndDay is null && !NoWholeDays && PartDays.Count == 0;

    public static LedgerPeriod Of(DateTime? from, DateTime? toExclusive)
    {
        var to = toExclusive == DateTime.MaxValue ? null : toExclusive;
        var parts = new List<(DateTime, DateTime)>();
        DateOnly? first = null, end = null;
        var none = false;
        if (from is { } f && f != DateTime.MinValue)
        {
            var day = LedgerChanges.DayOf(f);
            if (f == f.Date) first = day;
            else
            {
                var edgeEnd = NextMidnight(f);
                parts.Add((f, to is { } t0 && t0 < edgeEnd ? t0 : edgeEnd));
                if (day == DateOnly.MaxValue) none = true;
                else first = day.AddDays(1);
            }
        }
        if (to is { } t)
        {
            end = LedgerChanges.DayOf(t);
            if (t != t.Date)
            {
                var part = (from is { } f0 && f0 > t.Date ? f0 : t.Date, t);
                if (!parts.Contains(part)) parts.Add(part);
            }
        }
        if (first is { } a && end is { } b && a >= b) none = true;
        return new LedgerPeriod(first, end, none, parts);
    }

    private static DateTime NextMidnight(DateTime instant) =>
        instant.Date == DateTime.MaxValue.Date ? DateTime.MaxValue : DateTime.SpecifyKind(instant.Date.AddDays(1), DateTimeKind.Utc);
}
