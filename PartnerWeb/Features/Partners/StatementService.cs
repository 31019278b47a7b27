using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Earnings and payout statements as CSV, streamed in keyset batches: each batch is read, described
/// (<see cref="EarningDetails"/>: a few set-based look-ups) and written before the next is read, so memory
/// stays flat and no second query runs while a reader is open on the one connection.
/// </summary>
public sealed class StatementService(AppDbContext db, PartnerAccess access, EarningDetails details)
{
    private const int BatchSize = 500;

    private static readonly object[] Header =
    [
        "id", "createdAt", "kind", "invoiceId", "currency", "grossAmount", "commissionAmount", "partnerNet",
        "payableAt", "payoutId", "reversesEarningId", "refundId",
        // Added later, at the end, so readers of the first twelve columns keep their positions; reason as the API writes it.
        "invoiceNumber", "item", "reason",
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

    private CsvDownload Download(string fileName, IQueryable<PartnerEarning> entries) => new(fileName, async (csv, ct) =>
    {
        await csv.RowAsync(Header);
        Cursor? after = null;
        while (true)
        {
            var batch = entries;
            if (after is { } c) batch = batch.Where(e => e.CreatedAt > c.CreatedAt || (e.CreatedAt == c.CreatedAt && e.Id.CompareTo(c.Id) > 0));
            var rows = await batch.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Take(BatchSize).Select(e => EarningDto.From(e)).ToListAsync(ct);
            foreach (var e in await details.DescribeAsync(rows, ct))
            {
                await csv.RowAsync(e.Id, e.CreatedAt, e.Kind.ToString().ToLowerInvariant(), e.InvoiceId, e.Currency, e.GrossAmount,
                    e.CommissionAmount, e.PartnerNet, e.PayableAt, e.PayoutId, e.ReversesEarningId, e.RefundId,
                    e.InvoiceNumber, e.Item, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Reason.ToString()));
            }
            if (rows.Count < BatchSize) break;
            after = new Cursor(rows[^1].CreatedAt, rows[^1].Id);
        }
    });
}
