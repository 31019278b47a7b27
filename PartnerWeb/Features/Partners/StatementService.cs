using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

/// <summary>Earnings and payout statements as CSV, streamed from the database row by row.</summary>
public sealed class StatementService(AppDbContext db, PartnerAccess access)
{
    private static readonly object[] Header =
    [
        "id", "createdAt", "kind", "invoiceId", "currency", "grossAmount", "commissionAmount", "partnerNet",
        "payableAt", "payoutId", "reversesEarningId", "refundId",
    ];

    public async Task<Result<CsvDownload>> EarningsAsync(Guid partnerId, EarningsQuery query, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        return Download($"earnings-{partnerId:N}.csv", query.Filter(db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == partnerId)));
    }

    public async Task<Result<CsvDownload>> MyEarningsAsync(EarningsQuery query, CancellationToken ct) =>
        await access.MineAsync(ct) is { } partner ? await EarningsAsync(partner.Id, query, ct) : AppError.NotFound("Partner account");

    /// <summary>The entries a payout took: their nets sum to the payout's amount.</summary>
    public async Task<Result<CsvDownload>> PayoutAsync(Guid partnerId, Guid payoutId, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        if (!await db.PartnerPayouts.AnyAsync(p => p.Id == payoutId && p.PartnerId == partnerId, ct)) return AppError.NotFound("Payout");
        return Download($"payout-{payoutId:N}.csv", db.PartnerEarnings.AsNoTracking().Where(e => e.PayoutId == payoutId));
    }

    private static CsvDownload Download(string fileName, IQueryable<PartnerEarning> entries) => new(fileName, async (csv, ct) =>
    {
        await csv.RowAsync(Header);
        await foreach (var e in entries.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            await csv.RowAsync(e.Id, e.CreatedAt, e.Kind.ToString().ToLowerInvariant(), e.InvoiceId, e.Currency, e.GrossAmount,
                e.CommissionAmount, e.PartnerNet, e.PayableAt, e.PayoutId, e.ReversesEarningId, e.RefundId);
        }
    });
}
