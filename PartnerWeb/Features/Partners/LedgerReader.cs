using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Totals, balances and daily figures from the running figures (<see cref="PartnerLedgerTotal"/>,
/// <see cref="PartnerLedgerDay"/>), never from a sum over the ledger: a partner with ten million entries
/// answers as fast as one with a hundred. Entries are read only for the part days at the ends of a filter
/// and for what becomes payable later today, each at most one day's entries.
/// </summary>
public sealed class LedgerReader(AppDbContext db, TimeProvider clock, IOptions<PartnerOptions> options)
{
    /// <summary>
    /// The totals per currency over the period and the balances, which ignore the period: for the whole ledger both
    /// come from one read of the running totals.
    /// </summary>
    public async Task<(IReadOnlyList<EarningTotals> Totals, IReadOnlyList<EarningBalance> Balances)> SummaryAsync(
        Guid partnerId, LedgerPeriod period, CancellationToken ct)
    {
        if (!period.IsWhole)
            return (await TotalsAsync(partnerId, period, ct), (await BalancesAsync([partnerId], ct)).GetValueOrDefault(partnerId) ?? []);
        var rows = await db.PartnerLedgerTotals.AsNoTracking().Where(t => t.PartnerId == partnerId).ToListAsync(ct);
        var totals = Totals(rows.Select(t => (t.Currency, t.Figures)));
        var balances = await BalancesOfAsync(rows.Where(t => t.UnattachedEntries > 0).Select(t => new Unattached(t.PartnerId, t.Currency, t.Unattached)).ToList(), ct);
        return (totals, balances.GetValueOrDefault(partnerId) ?? []);
    }

    /// <summary>Per currency over a part of the ledger: its whole days summed in SQL, its part days from their entries.</summary>
    private async Task<IReadOnlyList<EarningTotals>> TotalsAsync(Guid partnerId, LedgerPeriod period, CancellationToken ct)
    {
        var figures = new List<(string Currency, LedgerFigures Figures)>();
        if (!period.NoWholeDays)
            figures.AddRange((await WholeDays(partnerId, period).GroupBy(d => d.Currency)
                    .Select(g => new
                    {
                        Currency = g.Key, Entries = g.Sum(d => d.Entries), Sales = g.Sum(d => d.Sales), Refunds = g.Sum(d => d.Refunds),
                        Gross = g.Sum(d => d.Gross), Commission = g.Sum(d => d.Commission), Net = g.Sum(d => d.Net),
                    })
                    .ToListAsync(ct))
                .Select(t => (t.Currency, new LedgerFigures(t.Entries, t.Sales, t.Refunds, t.Gross, t.Commission, t.Net))));
        foreach (var (from, to) in period.PartDays) figures.AddRange(await PartDayAsync(partnerId, from, to, ct));
        return Totals(figures);
    }

    private static List<EarningTotals> Totals(IEnumerable<(string Currency, LedgerFigures Figures)> figures) =>
        figures.GroupBy(f => f.Currency)
            .Select(g => (Currency: g.Key, Sum: g.Aggregate(default(LedgerFigures), (s, f) => s + f.Figures)))
            .Where(f => f.Sum.Entries > 0).OrderBy(f => f.Currency, StringComparer.Ordinal)
            .Select(f => new EarningTotals(f.Currency, checked((int)f.Sum.Entries), f.Sum.Gross, f.Sum.Commission, f.Sum.Net,
                checked((int)f.Sum.Sales), checked((int)f.Sum.Refunds)))
            .ToList();

    /// <summary>
    /// Net per slot of <paramref name="slotDays"/> days and currency over the period, for the dashboard chart: summed
    /// in SQL, so a year by week is 53 rows per currency, not 366. A slot holds the day numbers that divide by
    /// <paramref name="slotDays"/> to the same number (7: Monday to Sunday, day number 0 being a Monday) and is
    /// named by its first day with entries, so the earliest of them is the period's first day with entries: a chart
    /// without a start needs no read of its own to find it.
    /// </summary>
    public async Task<IReadOnlyList<SlotNet>> NetPerSlotAsync(Guid partnerId, LedgerPeriod period, int slotDays, CancellationToken ct)
    {
        List<(int Slot, string Currency, DateOnly Day, long Net)> slots = period.NoWholeDays ? [] : (await WholeDays(partnerId, period)
                .GroupBy(d => new { Slot = d.Day.DayNumber / slotDays, d.Currency })
                .Select(g => new { g.Key.Slot, g.Key.Currency, Day = g.Min(d => d.Day), Net = g.Sum(d => d.Net) })
                .ToListAsync(ct))
            .Select(s => (s.Slot, s.Currency, s.Day, s.Net)).ToList();
        foreach (var (from, to) in period.PartDays)
        {
            var day = LedgerChanges.DayOf(from);
            slots.AddRange((await PartDayAsync(partnerId, from, to, ct)).Select(p => (day.DayNumber / slotDays, p.Currency, day, p.Figures.Net)));
        }
        return slots.GroupBy(s => (s.Slot, s.Currency))
            .Select(g => new SlotNet(g.Min(s => s.Day), g.Key.Currency, g.Sum(s => s.Net)))
            .OrderBy(d => d.Day).ThenBy(d => d.Currency, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The period's whole days (with entries), one range of the day figures' key. An open end adds no condition
    /// rather than a "null or" one, which EF Core would evaluate with the expression interpreter on every run.
    /// </summary>
    private IQueryable<PartnerLedgerDay> WholeDays(Guid partnerId, LedgerPeriod period)
    {
        var days = db.PartnerLedgerDays.AsNoTracking().Where(d => d.PartnerId == partnerId && d.Entries > 0);
        if (period.FirstDay is { } first) days = days.Where(d => d.Day >= first);
        if (period.EndDay is { } end) days = days.Where(d => d.Day < end);
        return days;
    }

    /// <summary>A part of one day at an end of the period, from that part's entries.</summary>
    private async Task<IEnumerable<(string Currency, LedgerFigures Figures)>> PartDayAsync(Guid partnerId, DateTime from, DateTime to, CancellationToken ct) =>
        (await db.PartnerEarnings.AsNoTracking()
            .Where(e => e.PartnerId == partnerId && e.CreatedAt >= from && e.CreatedAt < to)
            .GroupBy(e => e.Currency)
            .Select(g => new
            {
                Currency = g.Key, Entries = g.LongCount(), Sales = g.LongCount(e => e.Kind == EntryKind.Accrual),
                Refunds = g.LongCount(e => e.Kind == EntryKind.Reversal && e.GrossAmount < 0),
                Gross = g.Sum(e => e.GrossAmount), Commission = g.Sum(e => e.CommissionAmount), Net = g.Sum(e => e.PartnerNet),
            })
            .ToListAsync(ct))
        .Select(p => (p.Currency, new LedgerFigures(p.Entries, p.Sales, p.Refunds, p.Gross, p.Commission, p.Net)));

    /// <summary>How many entries the partner's ledger holds, in all currencies: it grows with every entry written.</summary>
    public Task<long> EntryCountAsync(Guid partnerId, CancellationToken ct) =>
        db.PartnerLedgerTotals.Where(t => t.PartnerId == partnerId).SumAsync(t => t.Entries, ct);

    /// <summary>
    /// Each partner's balance per currency (what no payout has taken yet, and the part payable now), for partners
    /// the caller already resolved through <see cref="PartnerAccess"/>. A partner without unattached entries has
    /// no entry. Payable now is the balance less what is still held: the days after today from the day figures
    /// (never attached: a payout takes only payable entries), and the rest of today from today's entries.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<EarningBalance>>> BalancesAsync(IReadOnlyCollection<Guid> partnerIds, CancellationToken ct) =>
        partnerIds.Count == 0
            ? new Dictionary<Guid, IReadOnlyList<EarningBalance>>()
            : await BalancesOfAsync(await db.PartnerLedgerTotals.AsNoTracking()
                .Where(t => partnerIds.Contains(t.PartnerId) && t.UnattachedEntries > 0)
                .Select(t => new Unattached(t.PartnerId, t.Currency, t.Unattached))
                .ToListAsync(ct), ct);

    private sealed record Unattached(Guid PartnerId, string Currency, long Amount);

    /// <summary>The balances of the unattached totals, less what is still held, read in one statement.</summary>
    private async Task<Dictionary<Guid, IReadOnlyList<EarningBalance>>> BalancesOfAsync(IReadOnlyList<Unattached> totals, CancellationToken ct)
    {
        if (totals.Count == 0) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        var today = LedgerChanges.DayOf(now);
        var tomorrow = today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var ids = totals.Select(t => t.PartnerId).Distinct().ToList();
        var currencies = totals.Select(t => t.Currency).Distinct().ToList();
        // One partner (its own pages) is compared with =, which SQLite prepares and runs faster than a list.
        var (days, entries) = ids is [var id]
            ? (db.PartnerLedgerDays.Where(d => d.PartnerId == id), db.PartnerEarnings.Where(e => e.PartnerId == id))
            : (db.PartnerLedgerDays.Where(d => ids.Contains(d.PartnerId)), db.PartnerEarnings.Where(e => ids.Contains(e.PartnerId)));
        var heldLater = days.AsNoTracking()
            .Where(d => currencies.Contains(d.Currency) && d.Day > today)
            .GroupBy(d => new { d.PartnerId, d.Currency })
            .Select(g => new { g.Key.PartnerId, g.Key.Currency, Amount = g.Sum(d => d.BecomingPayable) });
        var heldToday = entries.AsNoTracking()
            .Where(e => currencies.Contains(e.Currency) && e.PayoutId == null && e.PayableAt > now && e.PayableAt < tomorrow)
            .GroupBy(e => new { e.PartnerId, e.Currency })
            .Select(g => new { g.Key.PartnerId, g.Key.Currency, Amount = g.Sum(e => e.PartnerNet) });
        // One statement (UNION ALL): an anonymous projection, as a set operation cannot follow a constructor call.
        var held = (await heldLater.Concat(heldToday).ToListAsync(ct))
            .GroupBy(h => (h.PartnerId, h.Currency)).ToDictionary(g => g.Key, g => g.Sum(h => h.Amount));

        return totals.GroupBy(t => t.PartnerId).ToDictionary(p => p.Key, p => (IReadOnlyList<EarningBalance>)p
            .OrderBy(t => t.Currency, StringComparer.Ordinal).Select(t =>
            {
                var payable = t.Amount - held.GetValueOrDefault((t.PartnerId, t.Currency));
                var minimum = options.Value.MinimumFor(t.Currency);
                var missing = Math.Max(0, Math.Max(minimum, 1) - payable);
                return new EarningBalance(t.Currency, t.Amount, payable, minimum, missing);
            }).ToList());
    }
}
