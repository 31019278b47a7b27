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
    /// <summary>Per currency over the period; the whole ledger from its running totals.</summary>
    public async Task<IReadOnlyList<EarningTotals>> TotalsAsync(Guid partnerId, LedgerPeriod period, CancellationToken ct)
    {
        var figures = period.IsWhole
            ? (await db.PartnerLedgerTotals.AsNoTracking().Where(t => t.PartnerId == partnerId).ToListAsync(ct)).Select(t => (t.Currency, t.Figures))
            : (await DaysAsync(partnerId, period, ct)).GroupBy(d => d.Currency)
                .Select(g => (g.Key, g.Aggregate(default(LedgerFigures), (s, d) => s + d.Figures)));
        return figures.Where(f => f.Item2.Entries > 0).OrderBy(f => f.Item1, StringComparer.Ordinal)
            .Select(f => new EarningTotals(f.Item1, checked((int)f.Item2.Entries), f.Item2.Gross, f.Item2.Commission, f.Item2.Net,
                checked((int)f.Item2.Sales), checked((int)f.Item2.Refunds)))
            .ToList();
    }

    /// <summary>Net earned per day and currency over the period, for the dashboard chart.</summary>
    public async Task<IReadOnlyList<DailyNet>> DailyNetAsync(Guid partnerId, LedgerPeriod period, CancellationToken ct) =>
        (await DaysAsync(partnerId, period, ct)).GroupBy(d => (d.Day, d.Currency))
            .Select(g => new DailyNet(g.Key.Day, g.Key.Currency, g.Sum(d => d.Figures.Net)))
            .OrderBy(d => d.Day).ThenBy(d => d.Currency, StringComparer.Ordinal).ToList();

    private sealed record DayFigures(DateOnly Day, string Currency, LedgerFigures Figures);

    /// <summary>The period's whole days from the day figures, its part days from their own entries.</summary>
    private async Task<List<DayFigures>> DaysAsync(Guid partnerId, LedgerPeriod period, CancellationToken ct)
    {
        var days = new List<DayFigures>();
        if (!period.NoWholeDays)
        {
            var (first, end) = (period.FirstDay, period.EndDay);
            days.AddRange((await db.PartnerLedgerDays.AsNoTracking()
                    .Where(d => d.PartnerId == partnerId && d.Entries > 0 && (first == null || d.Day >= first) && (end == null || d.Day < end))
                    .ToListAsync(ct))
                .Select(d => new DayFigures(d.Day, d.Currency, d.Figures)));
        }
        foreach (var (from, to) in period.PartDays)
        {
            var part = await db.PartnerEarnings.AsNoTracking()
                .Where(e => e.PartnerId == partnerId && e.CreatedAt >= from && e.CreatedAt < to)
                .GroupBy(e => e.Currency)
                .Select(g => new
                {
                    Currency = g.Key, Entries = g.LongCount(), Sales = g.LongCount(e => e.Kind == EntryKind.Accrual),
                    Refunds = g.LongCount(e => e.Kind == EntryKind.Reversal && e.GrossAmount < 0),
                    Gross = g.Sum(e => e.GrossAmount), Commission = g.Sum(e => e.CommissionAmount), Net = g.Sum(e => e.PartnerNet),
                })
                .ToListAsync(ct);
            days.AddRange(part.Select(p => new DayFigures(LedgerChanges.DayOf(from), p.Currency,
                new LedgerFigures(p.Entries, p.Sales, p.Refunds, p.Gross, p.Commission, p.Net))));
        }
        return days;
    }

    /// <summary>
    /// Each partner's balance per currency (what no payout has taken yet, and the part payable now), for partners
    /// the caller already resolved through <see cref="PartnerAccess"/>. A partner without unattached entries has
    /// no entry. Payable now is the balance less what is still held: the days after today from the day figures
    /// (never attached: a payout takes only payable entries), and the rest of today from today's entries.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<EarningBalance>>> BalancesAsync(IReadOnlyCollection<Guid> partnerIds, CancellationToken ct)
    {
        if (partnerIds.Count == 0) return new Dictionary<Guid, IReadOnlyList<EarningBalance>>();
        var totals = await db.PartnerLedgerTotals.AsNoTracking()
            .Where(t => partnerIds.Contains(t.PartnerId) && t.UnattachedEntries > 0)
            .Select(t => new { t.PartnerId, t.Currency, t.Unattached })
            .ToListAsync(ct);
        if (totals.Count == 0) return new Dictionary<Guid, IReadOnlyList<EarningBalance>>();

        var now = clock.GetUtcNow().UtcDateTime;
        var today = LedgerChanges.DayOf(now);
        var tomorrow = today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var ids = totals.Select(t => t.PartnerId).Distinct().ToList();
        var currencies = totals.Select(t => t.Currency).Distinct().ToList();
        var heldLater = await db.PartnerLedgerDays.AsNoTracking()
            .Where(d => ids.Contains(d.PartnerId) && currencies.Contains(d.Currency) && d.Day > today)
            .GroupBy(d => new { d.PartnerId, d.Currency })
            .Select(g => new { g.Key.PartnerId, g.Key.Currency, Held = g.Sum(d => d.BecomingPayable) })
            .ToListAsync(ct);
        var heldToday = await db.PartnerEarnings.AsNoTracking()
            .Where(e => ids.Contains(e.PartnerId) && currencies.Contains(e.Currency) && e.PayoutId == null && e.PayableAt > now && e.PayableAt < tomorrow)
            .GroupBy(e => new { e.PartnerId, e.Currency })
            .Select(g => new { g.Key.PartnerId, g.Key.Currency, Held = g.Sum(e => e.PartnerNet) })
            .ToListAsync(ct);
        var held = heldLater.Concat(heldToday).GroupBy(h => (h.PartnerId, h.Currency)).ToDictionary(g => g.Key, g => g.Sum(h => h.Held));

        return totals.GroupBy(t => t.PartnerId).ToDictionary(p => p.Key, p => (IReadOnlyList<EarningBalance>)p
            .OrderBy(t => t.Currency, StringComparer.Ordinal).Select(t =>
            {
                var payable = t.Unattached - held.GetValueOrDefault((t.PartnerId, t.Currency));
                var minimum = options.Value.MinimumFor(t.Currency);
                var missing = Math.Max(0, Math.Max(minimum, 1) - payable);
                return new EarningBalance(t.Currency, t.Unattached, payable, minimum, missing);
            }).ToList());
    }
}
