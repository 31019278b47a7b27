using System.Data.Common;
using System.Diagnostics;
using System.Globalization;

namespace PartnerWeb.Bench;

/// <summary>
/// Benchmark setup only: bulk rows written into the schema the app's own migrations created (the app is
/// stopped meanwhile), with raw Microsoft.Data.Sqlite inserts or PostgreSQL binary COPY (<see cref="BenchDb.Insert"/>).
/// Values are given as .NET values (Guid, UTC DateTime, enum names as text) and stored in each provider's format.
/// </summary>
internal static class Seed
{
    public static Guid V7(DateTime utc) => Guid.CreateVersion7(new DateTimeOffset(utc, TimeSpan.Zero));
    public static string InvoiceNumber(Guid id, DateTime createdAt) =>
        $"INV-{createdAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{id.ToString("N")[^10..].ToUpperInvariant()}";

    /// <summary>
    /// Copies of one open invoice made through the API (same tenant, item, line and install shape),
    /// each with its own id, number and creation time. Returns the new invoice ids in creation order.
    /// </summary>
    public static List<Guid> OpenInvoicesLike(BenchDb bench, Guid templateInvoiceId, int count)
    {
        using var db = bench.OpenForSetup();
        var invoice = bench.Row(db, "SELECT * FROM \"Invoices\" WHERE \"Id\" = @id", ("@id", templateInvoiceId));
        var line = bench.Row(db, "SELECT * FROM \"InvoiceLines\" WHERE \"InvoiceId\" = @id", ("@id", templateInvoiceId));
        var install = bench.Row(db, "SELECT * FROM \"MarketplaceInstalls\" WHERE \"InvoiceId\" = @id", ("@id", templateInvoiceId));
        var start = DateTime.UtcNow.AddHours(-2);
        var ids = new List<Guid>(count);
        var made = Enumerable.Range(0, count).Select(i =>
        {
            var at = start.AddTicks(i * 1000L);
            var id = V7(at);
            ids.Add(id);
            return (Id: id, At: at);
        }).ToList();

        bench.Insert(db, "Invoices", ["Id", "TenantId", "Number", "Status", "Currency", "Total", "PaymentMethod", "PaymentReference", "PaidAt", "CreatedAt", "RefundedAmount"],
            made.Select(m => new object?[] { m.Id, invoice["TenantId"], InvoiceNumber(m.Id, m.At), "Open", invoice["Currency"], invoice["Total"], null, null, null, m.At, 0L }));
        bench.Insert(db, "InvoiceLines", ["Id", "InvoiceId", "MarketplaceItemId", "Description", "Quantity", "UnitAmount", "Amount"],
            made.Select(m => new object?[] { V7(m.At), m.Id, line["MarketplaceItemId"], line["Description"], line["Quantity"], line["UnitAmount"], line["Amount"] }));
        bench.Insert(db, "MarketplaceInstalls", ["Id", "TenantId", "MarketplaceItemId", "InvoiceId", "Status", "CreatedAt"],
            made.Select(m => new object?[] { V7(m.At), install["TenantId"], install["MarketplaceItemId"], m.Id, install["Status"], m.At }));
        bench.AfterBulkLoad(db);
        return ids;
    }

    public sealed record EarningsSeed(int Partners, int Invoices, int Earnings, TimeSpan Elapsed);

    /// <summary>
    /// <paramref name="otherPartners"/> approved partners (each with its own tenant) beside Acme, and
    /// <paramref name="perPartner"/> paid, unattached accruals for every partner. Invoices are paid
    /// invoices of the buyer tenant; each carries the accruals of <paramref name="partnersPerInvoice"/>
    /// partners (one line each, as a basket), so (invoice, partner) stays unique as the app requires.
    /// Creation times spread over the last 365 days; every accrual is payable.
    /// </summary>
    public static EarningsSeed Earnings(BenchDb bench, Guid acmePartnerId, int otherPartners, int perPartner, int partnersPerInvoice)
    {
        var clock = Stopwatch.StartNew();
        using var db = bench.OpenForSetup();
        var buyerTenant = bench.Scalar(db, "SELECT \"Id\" FROM \"Tenants\" WHERE \"Name\" = 'Globex'");
        var now = DateTime.UtcNow;
        var start = now.AddDays(-365);

        var partners = new List<Guid> { acmePartnerId };
        var tenants = new List<object?[]>();
        var accounts = new List<object?[]>();
        for (var p = 0; p < otherPartners; p++)
        {
            var at = start.AddSeconds(-p - 1);
            var tenantId = V7(at);
            var partnerId = V7(at);
            partners.Add(partnerId);
            tenants.Add([tenantId, at, false, $"Bench Partner {p + 1:D4}", null]);
            accounts.Add([partnerId, tenantId, "Approved", $"Bench Partner {p + 1:D4}", $"partner{p + 1:D4}@bench.example", "US",
                "{\"method\":\"bank_transfer\",\"accountHolder\":\"Bench Partner\",\"iban\":\"DE89370400440532013000\"}", at]);
        }
        bench.Insert(db, "Tenants", ["Id", "CreatedAt", "IsPlatform", "Name", "ResellerId"], tenants);
        bench.Insert(db, "PartnerAccounts", ["Id", "TenantId", "Status", "DisplayName", "ContactEmail", "Country", "PayoutPreferences", "CreatedAt"], accounts);

        // Invoice j is paid at start + j·step; partner p's k-th accrual is on invoice k·slots + (p mod slots).
        var slots = partners.Count / partnersPerInvoice;
        var invoiceCount = perPartner * slots;
        var step = TimeSpan.FromTicks(TimeSpan.FromDays(365).Ticks / invoiceCount);
        var invoiceIds = new Guid[invoiceCount];
        var invoiceAt = new DateTime[invoiceCount];
        for (var j = 0; j < invoiceCount; j++)
        {
            invoiceAt[j] = start + step * j;
            invoiceIds[j] = V7(invoiceAt[j]);
        }
        const long price = 12900;
        bench.Insert(db, "Invoices", ["Id", "TenantId", "Number", "Status", "Currency", "Total", "PaymentMethod", "PaymentReference", "PaidAt", "CreatedAt", "RefundedAmount"],
            Enumerable.Range(0, invoiceCount).Select(j => new object?[]
            {
                invoiceIds[j], buyerTenant, InvoiceNumber(invoiceIds[j], invoiceAt[j]), "Paid", Currency(j), price * partnersPerInvoice,
                "Stripe", $"in_bench_{j}", invoiceAt[j], invoiceAt[j], 0L,
            }));

        var earnings = bench.Insert(db, "PartnerEarnings",
            ["Id", "CommissionAmount", "CreatedAt", "Currency", "GrossAmount", "InvoiceId", "Kind", "PartnerId", "PartnerNet", "PayableAt", "PayoutId", "RefundId", "ReversesEarningId"],
            Enumerable.Range(0, partners.Count).SelectMany(p => Enumerable.Range(0, perPartner).Select(k =>
            {
                var j = k * slots + p % slots;
                var at = invoiceAt[j].AddMilliseconds(200 + p % 97);
                const long commission = 3870;
                return new object?[]
                {
                    V7(at), commission, at, Currency(j), price, invoiceIds[j], "Accrual", partners[p], price - commission, at, null, null, null,
                };
            })));
        bench.AfterBulkLoad(db);
        return new EarningsSeed(partners.Count, invoiceCount, earnings, clock.Elapsed);

        static string Currency(int invoice) => invoice % 10 == 9 ? "EUR" : "USD";
    }

    /// <summary>
    /// The running figures the app keeps beside the ledger ("PartnerLedgerTotals" per partner and currency,
    /// "PartnerLedgerDays" per partner, currency and UTC day), rebuilt from PartnerEarnings after a bulk load with
    /// one INSERT … SELECT … GROUP BY each, since bulk rows bypass the app's writes. False when the schema has no
    /// such tables (a build from before them); then nothing is written.
    /// </summary>
    public static bool LedgerFigures(BenchDb bench, DbConnection db)
    {
        if (!bench.TableExists(db, "PartnerLedgerTotals") || !bench.TableExists(db, "PartnerLedgerDays")) return false;
        const string sale = "CASE WHEN \"Kind\" = 'Accrual' THEN 1 ELSE 0 END";
        const string refund = "CASE WHEN \"Kind\" = 'Reversal' AND \"GrossAmount\" < 0 THEN 1 ELSE 0 END";
        bench.Exec(db, "DELETE FROM \"PartnerLedgerTotals\"");
        bench.Exec(db, $"""
            INSERT INTO "PartnerLedgerTotals" ("PartnerId", "Currency", "Entries", "Sales", "Refunds", "Gross", "Commission", "Net", "UnattachedEntries", "Unattached")
            SELECT "PartnerId", "Currency", COUNT(*), SUM({sale}), SUM({refund}), SUM("GrossAmount"), SUM("CommissionAmount"), SUM("PartnerNet"),
                   SUM(CASE WHEN "PayoutId" IS NULL THEN 1 ELSE 0 END), COALESCE(SUM(CASE WHEN "PayoutId" IS NULL THEN "PartnerNet" END), 0)
            FROM "PartnerEarnings"
            GROUP BY "PartnerId", "Currency"
            """);
        // A day's row holds what was created on it and what becomes payable on it: one branch each, summed per day.
        bench.Exec(db, "DELETE FROM \"PartnerLedgerDays\"");
        bench.Exec(db, $"""
            INSERT INTO "PartnerLedgerDays" ("PartnerId", "Currency", "Day", "Entries", "Sales", "Refunds", "Gross", "Commission", "Net", "BecomingPayable")
            SELECT "PartnerId", "Currency", "Day", SUM("Entries"), SUM("Sales"), SUM("Refunds"), SUM("Gross"), SUM("Commission"), SUM("Net"), SUM("BecomingPayable")
            FROM (
                SELECT "PartnerId", "Currency", {bench.UtcDay("CreatedAt")} AS "Day", 1 AS "Entries", {sale} AS "Sales", {refund} AS "Refunds",
                       "GrossAmount" AS "Gross", "CommissionAmount" AS "Commission", "PartnerNet" AS "Net", 0 AS "BecomingPayable"
                FROM "PartnerEarnings"
                UNION ALL
                SELECT "PartnerId", "Currency", {bench.UtcDay("PayableAt")}, 0, 0, 0, 0, 0, 0, "PartnerNet"
                FROM "PartnerEarnings"
            ) AS "Figures"
            GROUP BY "PartnerId", "Currency", "Day"
            """);
        return true;
    }

    /// <summary>
    /// The operator's view at scale: <paramref name="partners"/> approved partners (Acme among them) with
    /// <paramref name="perPartner"/> accruals each, two in three of them with a USD payout holding their USD
    /// accruals, Owed or Approved in turn; the rest of the ledger stays unattached.
    /// </summary>
    public static (EarningsSeed Earnings, int Payouts) OperatorQueue(BenchDb bench, Guid acmePartnerId, int partners, int perPartner)
    {
        var earnings = Earnings(bench, acmePartnerId, partners - 1, perPartner, partnersPerInvoice: 10);
        using var db = bench.OpenForSetup();
        var ids = new List<Guid>();
        using (var command = db.CreateCommand())
        {
            command.CommandText = "SELECT \"Id\" FROM \"PartnerAccounts\" WHERE \"Status\" = 'Approved' ORDER BY \"Id\"";
            using var reader = command.ExecuteReader();
            while (reader.Read()) ids.Add(BenchDb.AsGuid(reader.GetValue(0)));
        }
        var now = DateTime.UtcNow;
        var payouts = ids.Where((_, i) => i % 3 != 2).Select((id, i) => new object?[]
        {
            V7(now.AddSeconds(-i)), id, "USD", 0L, i % 2 == 0 ? "Owed" : "Approved", "bank_transfer", "{\"method\":\"bank_transfer\"}",
            now.AddSeconds(-i), i % 2 == 0 ? null : now, 0, 0L,
        }).ToList();
        bench.Insert(db, "PartnerPayouts", ["Id", "PartnerId", "Currency", "Amount", "Status", "PayoutMethod", "PayoutDetails", "CreatedAt", "ApprovedAt", "SendAttempts", "ReversedAmount"], payouts);
        bench.Exec(db, """
            UPDATE "PartnerEarnings" SET "PayoutId" = (
                SELECT p."Id" FROM "PartnerPayouts" p WHERE p."PartnerId" = "PartnerEarnings"."PartnerId" AND p."Currency" = "PartnerEarnings"."Currency")
            WHERE "Currency" = 'USD' AND "PayoutId" IS NULL
              AND EXISTS (SELECT 1 FROM "PartnerPayouts" p WHERE p."PartnerId" = "PartnerEarnings"."PartnerId" AND p."Currency" = 'USD')
            """);
        bench.Exec(db, """
            UPDATE "PartnerPayouts" SET "Amount" = (SELECT COALESCE(SUM(e."PartnerNet"), 0) FROM "PartnerEarnings" e WHERE e."PayoutId" = "PartnerPayouts"."Id")
            """);
        bench.AfterBulkLoad(db);
        return (earnings, payouts.Count);
    }
}
