using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using PartnerWeb.Domain;

namespace PartnerWeb.Data;

/// <summary>
/// Adds new entries' figures to the running ones (<see cref="PartnerLedgerTotal"/>, <see cref="PartnerLedgerDay"/>)
/// with one upsert per row: insert it, or add to it in the database (<c>x = x + new</c>), so writers on any
/// number of instances never lose each other's additions and nothing is read first. Run by
/// <see cref="AppDbContext"/>'s save, inside the transaction that writes the entries.
/// </summary>
public static class LedgerSql
{
    private const string TotalColumns = "\"PartnerId\", \"Currency\", \"Entries\", \"Sales\", \"Refunds\", \"Gross\", \"Commission\", \"Net\", \"UnattachedEntries\", \"Unattached\"";
    private const string DayColumns = "\"PartnerId\", \"Currency\", \"Day\", \"Entries\", \"Sales\", \"Refunds\", \"Gross\", \"Commission\", \"Net\", \"BecomingPayable\"";

    // SQLite and PostgreSQL share the statements: both take ON CONFLICT with the table-qualified old value.
    private const string Totals = $$"""
        INSERT INTO "PartnerLedgerTotals" ({{TotalColumns}}) VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9})
        ON CONFLICT ("PartnerId", "Currency") DO UPDATE SET
        "Entries" = "PartnerLedgerTotals"."Entries" + excluded."Entries", "Sales" = "PartnerLedgerTotals"."Sales" + excluded."Sales",
        "Refunds" = "PartnerLedgerTotals"."Refunds" + excluded."Refunds", "Gross" = "PartnerLedgerTotals"."Gross" + excluded."Gross",
        "Commission" = "PartnerLedgerTotals"."Commission" + excluded."Commission", "Net" = "PartnerLedgerTotals"."Net" + excluded."Net",
        "UnattachedEntries" = "PartnerLedgerTotals"."UnattachedEntries" + excluded."UnattachedEntries",
        "Unattached" = "PartnerLedgerTotals"."Unattached" + excluded."Unattached"
        """;

    private const string Days = $$"""
        INSERT INTO "PartnerLedgerDays" ({{DayColumns}}) VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9})
        ON CONFLICT ("PartnerId", "Currency", "Day") DO UPDATE SET
        "Entries" = "PartnerLedgerDays"."Entries" + excluded."Entries", "Sales" = "PartnerLedgerDays"."Sales" + excluded."Sales",
        "Refunds" = "PartnerLedgerDays"."Refunds" + excluded."Refunds", "Gross" = "PartnerLedgerDays"."Gross" + excluded."Gross",
        "Commission" = "PartnerLedgerDays"."Commission" + excluded."Commission", "Net" = "PartnerLedgerDays"."Net" + excluded."Net",
        "BecomingPayable" = "PartnerLedgerDays"."BecomingPayable" + excluded."BecomingPayable"
        """;

    // HOLDLOCK holds the key range from the match to the insert: without it two first writers can both miss
    // the row and the second insert fails on the primary key.
    private const string SqlServerTotals = """
        MERGE [PartnerLedgerTotals] WITH (HOLDLOCK) AS [t]
        USING (VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}))
            AS [a] ([PartnerId], [Currency], [Entries], [Sales], [Refunds], [Gross], [Commission], [Net], [UnattachedEntries], [Unattached])
        ON [t].[PartnerId] = [a].[PartnerId] AND [t].[Currency] = [a].[Currency]
        WHEN MATCHED THEN UPDATE SET [Entries] = [t].[Entries] + [a].[Entries], [Sales] = [t].[Sales] + [a].[Sales],
            [Refunds] = [t].[Refunds] + [a].[Refunds], [Gross] = [t].[Gross] + [a].[Gross], [Commission] = [t].[Commission] + [a].[Commission],
            [Net] = [t].[Net] + [a].[Net], [UnattachedEntries] = [t].[UnattachedEntries] + [a].[UnattachedEntries], [Unattached] = [t].[Unattached] + [a].[Unattached]
        WHEN NOT MATCHED THEN INSERT ([PartnerId], [Currency], [Entries], [Sales], [Refunds], [Gross], [Commission], [Net], [UnattachedEntries], [Unattached])
            VALUES ([a].[PartnerId], [a].[Currency], [a].[Entries], [a].[Sales], [a].[Refunds], [a].[Gross], [a].[Commission], [a].[Net], [a].[UnattachedEntries], [a].[Unattached]);
        """;

    private const string SqlServerDays = """
        MERGE [PartnerLedgerDays] WITH (HOLDLOCK) AS [d]
        USING (VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}))
            AS [a] ([PartnerId], [Currency], [Day], [Entries], [Sales], [Refunds], [Gross], [Commission], [Net], [BecomingPayable])
        ON [d].[PartnerId] = [a].[PartnerId] AND [d].[Currency] = [a].[Currency] AND [d].[Day] = [a].[Day]
        WHEN MATCHED THEN UPDATE SET [Entries] = [d].[Entries] + [a].[Entries], [Sales] = [d].[Sales] + [a].[Sales],
            [Refunds] = [d].[Refunds] + [a].[Refunds], [Gross] = [d].[Gross] + [a].[Gross], [Commission] = [d].[Commission] + [a].[Commission],
            [Net] = [d].[Net] + [a].[Net], [BecomingPayable] = [d].[BecomingPayable] + [a].[BecomingPayable]
        WHEN NOT MATCHED THEN INSERT ([PartnerId], [Currency], [Day], [Entries], [Sales], [Refunds], [Gross], [Commission], [Net], [BecomingPayable])
            VALUES ([a].[PartnerId], [a].[Currency], [a].[Day], [a].[Entries], [a].[Sales], [a].[Refunds], [a].[Gross], [a].[Commission], [a].[Net], [a].[BecomingPayable]);
        """;

    public static async Task AddAsync(DatabaseFacade database, LedgerChanges changes, CancellationToken ct)
    {
        foreach (var statement in Statements(database, changes)) await database.ExecuteSqlRawAsync(statement.Sql, statement.Arguments, ct);
    }

    public static void Add(DatabaseFacade database, LedgerChanges changes)
    {
        foreach (var statement in Statements(database, changes)) database.ExecuteSqlRaw(statement.Sql, statement.Arguments);
    }

    private static IEnumerable<(string Sql, object[] Arguments)> Statements(DatabaseFacade database, LedgerChanges changes)
    {
        var sqlServer = database.IsSqlServer();
        foreach (var t in changes.Totals)
            yield return (sqlServer ? SqlServerTotals : Totals,
                [t.PartnerId, t.Currency, t.Figures.Entries, t.Figures.Sales, t.Figures.Refunds, t.Figures.Gross, t.Figures.Commission, t.Figures.Net, t.UnattachedEntries, t.Unattached]);
        foreach (var d in changes.Days)
            yield return (sqlServer ? SqlServerDays : Days,
                [d.PartnerId, d.Currency, d.Day, d.Figures.Entries, d.Figures.Sales, d.Figures.Refunds, d.Figures.Gross, d.Figures.Commission, d.Figures.Net, d.BecomingPayable]);
    }

    /// <summary>
    /// A payout took <paramref name="entries"/> entries worth <paramref name="amount"/> from the partner's balance in
    /// the currency. The row exists since the entries were written; a missing one is a broken ledger, so the
    /// payout's transaction fails rather than commit a balance that no longer adds up.
    /// </summary>
    public static async Task AttachedAsync(AppDbContext db, Guid partnerId, string currency, long entries, long amount, CancellationToken ct)
    {
        var updated = await db.PartnerLedgerTotals.Where(t => t.PartnerId == partnerId && t.Currency == currency)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.UnattachedEntries, t => t.UnattachedEntries - entries)
                .SetProperty(t => t.Unattached, t => t.Unattached - amount), ct);
        if (updated != 1) throw new InvalidOperationException($"Partner {partnerId} has no running {currency} figures to take a payout from.");
    }
}
