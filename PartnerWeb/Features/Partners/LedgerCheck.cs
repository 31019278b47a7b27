using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

/// <summary>One figure the running figures hold that the ledger's entries do not add up to.</summary>
public sealed record LedgerMismatch(string Currency, DateOnly? Day, string Figure, long Ledger, long Held);

/// <summary>
/// Compares a partner's running figures with the sums of its entries, both read in one snapshot so that a write
/// committing meanwhile cannot look like a difference. It reads only: a difference is reported, never repaired,
/// because a figure that disagrees with the ledger means a write path is wrong, and that needs a person.
/// </summary>
public sealed class LedgerCheck(AppDbContext db)
{
    public async Task<IReadOnlyList<LedgerMismatch>> CheckAsync(Guid partnerId, CancellationToken ct) =>
        await InSnapshotAsync(() => CompareAsync(partnerId, ct), ct);

    private async Task<List<LedgerMismatch>> CompareAsync(Guid partnerId, CancellationToken ct)
    {
        var entries = db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == partnerId);
        var ledgerCreated = await entries.GroupBy(e => new { Day = DateOnly.FromDateTime(e.CreatedAt), e.Currency }).Select(g => new
        {
            g.Key.Day, g.Key.Currency,
            Figures = new LedgerFigures(g.LongCount(), g.LongCount(e => e.Kind == EntryKind.Accrual), g.LongCount(e => e.Kind == EntryKind.Reversal && e.GrossAmount < 0),
                g.Sum(e => e.GrossAmount), g.Sum(e => e.CommissionAmount), g.Sum(e => e.PartnerNet)),
        }).ToListAsync(ct);
        // The ledger's whole figures are its days' figures added up: one scan of the entries serves both.
        var ledgerFigures = ledgerCreated.GroupBy(d => d.Currency)
            .ToDictionary(g => g.Key, g => g.Aggregate(default(LedgerFigures), (s, d) => s + d.Figures));
        var ledgerUnattached = await entries.Where(e => e.PayoutId == null).GroupBy(e => e.Currency)
            .Select(g => new { Currency = g.Key, Entries = g.LongCount(), Net = g.Sum(e => e.PartnerNet) }).ToListAsync(ct);
        var ledgerPayable = await entries.GroupBy(e => new { Day = DateOnly.FromDateTime(e.PayableAt), e.Currency })
            .Select(g => new { g.Key.Day, g.Key.Currency, Net = g.Sum(e => e.PartnerNet) }).ToListAsync(ct);
        var heldTotals = await db.PartnerLedgerTotals.AsNoTracking().Where(t => t.PartnerId == partnerId).ToListAsync(ct);
        var heldDays = await db.PartnerLedgerDays.AsNoTracking().Where(d => d.PartnerId == partnerId).ToListAsync(ct);

        var mismatches = new List<LedgerMismatch>();
        foreach (var currency in ledgerFigures.Keys.Union(heldTotals.Select(t => t.Currency)).Order(StringComparer.Ordinal))
        {
            var unattached = ledgerUnattached.FirstOrDefault(t => t.Currency == currency);
            var held = heldTotals.FirstOrDefault(t => t.Currency == currency);
            Compare(mismatches, currency, null, ledgerFigures.GetValueOrDefault(currency), held?.Figures ?? default);
            Compare(mismatches, currency, null, "unattachedEntries", unattached?.Entries ?? 0, held?.UnattachedEntries ?? 0);
            Compare(mismatches, currency, null, "unattached", unattached?.Net ?? 0, held?.Unattached ?? 0);
        }
        var days = ledgerCreated.Select(d => (d.Day, d.Currency)).Union(ledgerPayable.Select(d => (d.Day, d.Currency)))
            .Union(heldDays.Select(d => (d.Day, d.Currency))).OrderBy(d => d.Day).ThenBy(d => d.Currency, StringComparer.Ordinal);
        foreach (var (day, currency) in days)
        {
            var held = heldDays.FirstOrDefault(d => d.Day == day && d.Currency == currency);
            Compare(mismatches, currency, day, ledgerCreated.FirstOrDefault(d => d.Day == day && d.Currency == currency)?.Figures ?? default, held?.Figures ?? default);
            Compare(mismatches, currency, day, "becomingPayable", ledgerPayable.FirstOrDefault(d => d.Day == day && d.Currency == currency)?.Net ?? 0, held?.BecomingPayable ?? 0);
        }
        return mismatches;
    }

    private static void Compare(List<LedgerMismatch> into, string currency, DateOnly? day, LedgerFigures ledger, LedgerFigures held)
    {
        Compare(into, currency, day, "entries", ledger.Entries, held.Entries);
        Compare(into, currency, day, "sales", ledger.Sales, held.Sales);
        Compare(into, currency, day, "refunds", ledger.Refunds, held.Refunds);
        Compare(into, currency, day, "gross", ledger.Gross, held.Gross);
        Compare(into, currency, day, "commission", ledger.Commission, held.Commission);
        Compare(into, currency, day, "net", ledger.Net, held.Net);
    }

    private static void Compare(List<LedgerMismatch> into, string currency, DateOnly? day, string figure, long ledger, long held)
    {
        if (ledger != held) into.Add(new LedgerMismatch(currency, day, figure, ledger, held));
    }

    /// <summary>
    /// Every read of <paramref name="read"/> sees one committed state, and the check holds no write lock: SQLite
    /// in a deferred transaction (WAL: one snapshot from its first read, writers go on), PostgreSQL at
    /// repeatable read, SQL Server at snapshot isolation (which its database must allow).
    /// </summary>
    private async Task<T> InSnapshotAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using DbTransaction transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
                await db.Database.UseTransactionAsync(transaction, ct);
                try
                {
                    return await read();
                }
                finally
                {
                    await db.Database.UseTransactionAsync(null, ct);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        var isolation = db.Database.IsSqlServer() ? IsolationLevel.Snapshot : IsolationLevel.RepeatableRead;
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(isolation, ct);
            return await read();
        }, ct);
    }
}
