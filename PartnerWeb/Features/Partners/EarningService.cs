using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class EarningService(AppDbContext db, PartnerAccess access, EarningDetails details, LedgerReader ledger)
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

    /// <summary>
    /// Each partner's balance per currency, for partners the caller already resolved through <see cref="PartnerAccess"/>:
    /// see <see cref="LedgerReader.BalancesAsync"/>.
    /// </summary>
    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<EarningBalance>>> BalancesAsync(IReadOnlyCollection<Guid> partnerIds, CancellationToken ct) =>
        ledger.BalancesAsync(partnerIds, ct);

    /// <summary>
    /// One keyset page, the totals per currency over the filter and the balances, which ignore the filter: they are
    /// what is owed now. Both come from the running figures, not from the entries.
    /// </summary>
    private async Task<EarningsPage> PageAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        var page = await query.Filter(db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == partnerId)).ToPageAsync(query.ToRequest(), EarningDto.From, ct);
        page = page with { Items = await details.DescribeAsync(page.Items, ct) };
        var (totals, balances) = await ledger.SummaryAsync(partnerId, query.Period(), ct);
        return new EarningsPage(page.Items, page.HasMore, page.NextCursor, totals, balances);
    }
}
