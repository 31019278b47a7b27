using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class EarningService(AppDbContext db, PartnerAccess access, EarningDetails details, TimeProvider clock, Microsoft.Extensions.Options.IOptions<PartnerOptions> options)
{
    public async Task<Result<EarningsPage>> ListAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        return await PageAsync(partnerId, query, ct);
    }

    public async Task<Result<EarningsPage>> ListMineAsync(EarningsQuery query, CancellationToken ct) =>
        await access.MineAsync(ct) is { } partner ? await PageAsync(partner.Id, query, ct) : AppError.NotFound("Partner account");

    /// <summary>For a partner the caller already resolved through <see cref="PartnerAccess"/> (a <see cref="PartnerDto"/> comes from nowhere else): no second look-up.</summary>
    public Task<EarningsPage> ListAsync(PartnerDto partner, EarningsQuery query, CancellationToken ct) => PageAsync(partner.Id, query, ct);

    /// <summary>Balances ignore the date filter: they are what is owed now.</summary>
    private async Task<IReadOnlyList<EarningBalance>> BalancesAsync(Guid partnerId, CancellationToken ct) =>
        (await BalancesAsync([partnerId], ct)).GetValueOrDefault(partnerId) ?? [];

    /// <summary>
    /// Each partner's balance per currency (what no payout has taken yet, and the part payable now), for partners
    /// the caller already resolved through <see cref="PartnerAccess"/>: one grouped query for all of them.
    /// A partner without unattached entries has no entry.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<EarningBalance>>> BalancesAsync(IReadOnlyCollection<Guid> partnerIds, CancellationToken ct)
    {
        if (partnerIds.Count == 0) return new Dictionary<Guid, IReadOnlyList<EarningBalance>>();
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.PartnerEarnings.AsNoTracking()
            .Where(e => partnerIds.Contains(e.PartnerId) && e.PayoutId == null)
            .GroupBy(e => new { e.PartnerId, e.Currency })
            .Select(g => new { g.Key.PartnerId, g.Key.Currency, Balance = g.Sum(e => e.PartnerNet), Payable = g.Sum(e => e.PayableAt <= now ? e.PartnerNet : 0) })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.PartnerId).ToDictionary(p => p.Key, p => (IReadOnlyList<EarningBalance>)p
            .OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r =>
            {
                var minimum = options.Value.MinimumFor(r.Currency);
                var missing = Math.Max(0, Math.Max(minimum, 1) - r.Payable);
                return new EarningBalance(r.Currency, r.Balance, r.Payable, minimum, missing);
            }).ToList());
    }

    /// <summary>
    /// Net earned per day and currency over the filter, for the dashboard chart, for a partner the
    /// caller already resolved through <see cref="PartnerAccess"/>. Grouped in SQL by
    /// <see cref="DateOnly.FromDateTime"/>, which the providers translate to one date function per row
    /// (SQLite <c>date()</c>, SQL Server <c>CAST(… AS date)</c>); grouping by year, month and day parsed
    /// each row's timestamp three times and took twice as long.
    /// </summary>
    public async Task<IReadOnlyList<DailyNet>> DailyNetAsync(PartnerDto partner, EarningsQuery query, CancellationToken ct) =>
        (await PerDay(Filtered(partner.Id, query)).ToListAsync(ct)).OrderBy(r => r.Day).ToList();

    internal static IQueryable<DailyNet> PerDay(IQueryable<Domain.PartnerEarning> earnings) => earnings
        .GroupBy(e => new { Day = DateOnly.FromDateTime(e.CreatedAt), e.Currency })
        .Select(g => new DailyNet(g.Key.Day, g.Key.Currency, g.Sum(e => e.PartnerNet)));

    private IQueryable<Domain.PartnerEarning> Filtered(Guid partnerId, EarningsQuery query) =>
        query.Filter(db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == partnerId));

    /// <summary>One keyset page, and totals per currency over the whole filter (computed in SQL).</summary>
    private async Task<EarningsPage> PageAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        var earnings = Filtered(partnerId, query);
        var page = await earnings.ToPageAsync(query.ToRequest(), EarningDto.From, ct);
        page = page with { Items = await details.DescribeAsync(page.Items, ct) };
        var totals = await earnings
            .GroupBy(e => e.Currency)
            .Select(g => new EarningTotals(g.Key, g.Count(), g.Sum(e => e.GrossAmount), g.Sum(e => e.CommissionAmount), g.Sum(e => e.PartnerNet),
                g.Count(e => e.Kind == Domain.EntryKind.Accrual), g.Count(e => e.Kind == Domain.EntryKind.Reversal && e.GrossAmount < 0)))
            .ToListAsync(ct);
        return new EarningsPage(page.Items, page.HasMore, page.NextCursor, totals.OrderBy(x => x.Currency, StringComparer.Ordinal).ToList(),
            await BalancesAsync(partnerId, ct));
    }
}
