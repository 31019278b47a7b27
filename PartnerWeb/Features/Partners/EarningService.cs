using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class EarningService(AppDbContext db, PartnerAccess access, TimeProvider clock, Microsoft.Extensions.Options.IOptions<PartnerOptions> options)
{
    public async Task<Result<EarningsPage>> ListAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        return await PageAsync(partnerId, query, ct);
    }

    public async Task<Result<EarningsPage>> ListMineAsync(EarningsQuery query, CancellationToken ct) =>
        await access.MineAsync(ct) is { } partner ? await PageAsync(partner.Id, query, ct) : AppError.NotFound("Partner account");

    /// <summary>Balances ignore the date filter: they are what is owed now.</summary>
    private async Task<IReadOnlyList<EarningBalance>> BalancesAsync(Guid partnerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.PartnerEarnings.AsNoTracking()
            .Where(e => e.PartnerId == partnerId && e.PayoutId == null)
            .GroupBy(e => e.Currency)
            .Select(g => new { Currency = g.Key, Balance = g.Sum(e => e.PartnerNet), Payable = g.Sum(e => e.PayableAt <= now ? e.PartnerNet : 0) })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r =>
        {
            var minimum = options.Value.MinimumFor(r.Currency);
            var missing = Math.Max(0, Math.Max(minimum, 1) - r.Payable);
            return new EarningBalance(r.Currency, r.Balance, r.Payable, minimum, missing);
        }).ToList();
    }

    /// <summary>Net earned per day and currency over the filter, for the dashboard chart (grouped in SQL).</summary>
    public async Task<IReadOnlyList<DailyNet>> DailyNetAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return [];
        var rows = await Filtered(partnerId, query)
            .GroupBy(e => new { e.CreatedAt.Date, e.Currency })
            .Select(g => new { g.Key.Date, g.Key.Currency, Net = g.Sum(e => e.PartnerNet) })
            .ToListAsync(ct);
        return rows.Select(r => new DailyNet(DateOnly.FromDateTime(r.Date), r.Currency, r.Net)).OrderBy(r => r.Day).ToList();
    }

    private IQueryable<Domain.PartnerEarning> Filtered(Guid partnerId, EarningsQuery query) =>
        query.Filter(db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == partnerId));

    /// <summary>One keyset page, and totals per currency over the whole filter (computed in SQL).</summary>
    private async Task<EarningsPage> PageAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        var earnings = Filtered(partnerId, query);
        var page = await earnings.ToPageAsync(query.ToRequest(), EarningDto.From, ct);
        var totals = await earnings
            .GroupBy(e => e.Currency)
            .Select(g => new EarningTotals(g.Key, g.Count(), g.Sum(e => e.GrossAmount), g.Sum(e => e.CommissionAmount), g.Sum(e => e.PartnerNet)))
            .ToListAsync(ct);
        return new EarningsPage(page.Items, page.HasMore, page.NextCursor, totals.OrderBy(x => x.Currency, StringComparer.Ordinal).ToList(),
            await BalancesAsync(partnerId, ct));
    }
}
