using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PartnerWeb.Bench;

/// <summary>
/// Benchmark setup only: bulk rows written with raw Microsoft.Data.Sqlite into the schema the app's
/// own migrations created (the app is stopped meanwhile). Values use the app's storage formats:
/// GUIDs as upper-case text, UTC date-times as "yyyy-MM-dd HH:mm:ss.FFFFFFF", enums as names.
/// </summary>
internal static class Seed
{
    public static string G(Guid id) => id.ToString().ToUpperInvariant();
    public static string D(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
    public static Guid V7(DateTime utc) => Guid.CreateVersion7(new DateTimeOffset(utc, TimeSpan.Zero));
    public static string InvoiceNumber(Guid id, DateTime createdAt) =>
        $"INV-{createdAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{id.ToString("N")[^10..].ToUpperInvariant()}";

    /// <summary>A connection for setup: no fsync and a large cache (setup speed only; measurements never use it).</summary>
    public static SqliteConnection OpenForSetup(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Pooling = false, ForeignKeys = true,
        }.ToString());
        connection.Open();
        Exec(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        return connection;
    }

    public static void Exec(SqliteConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(SqliteConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts rows with one prepared statement, <paramref name="perTransaction"/> rows per transaction.</summary>
    public static int Insert(SqliteConnection connection, string table, string[] columns, IEnumerable<object?[]> rows, int perTransaction = 50_000)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        var count = 0;
        var tx = connection.BeginTransaction();
        command.Transaction = tx;
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            command.ExecuteNonQuery();
            if (++count % perTransaction == 0)
            {
                tx.Commit();
                tx.Dispose();
                tx = connection.BeginTransaction();
                command.Transaction = tx;
            }
        }
        tx.Commit();
        tx.Dispose();
        return count;
    }

    public static Dictionary<string, object?> Row(SqliteConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException("no row: " + sql);
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    /// <summary>
    /// Copies of one open invoice made through the API (same tenant, item, line and install shape),
    /// each with its own id, number and creation time. Returns the new invoice ids in creation order.
    /// </summary>
    public static List<Guid> OpenInvoicesLike(string path, Guid templateInvoiceId, int count)
    {
        using var db = OpenForSetup(path);
        var invoice = Row(db, "SELECT * FROM Invoices WHERE Id = $id", ("$id", G(templateInvoiceId)));
        var line = Row(db, "SELECT * FROM InvoiceLines WHERE InvoiceId = $id", ("$id", G(templateInvoiceId)));
        var install = Row(db, "SELECT * FROM MarketplaceInstalls WHERE InvoiceId = $id", ("$id", G(templateInvoiceId)));
        var start = DateTime.UtcNow.AddHours(-2);
        var ids = new List<Guid>(count);
        var made = Enumerable.Range(0, count).Select(i =>
        {
            var at = start.AddTicks(i * 1000L);
            var id = V7(at);
            ids.Add(id);
            return (Id: id, At: at);
        }).ToList();

        Insert(db, "Invoices", ["Id", "TenantId", "Number", "Status", "Currency", "Total", "PaymentMethod", "PaymentReference", "PaidAt", "CreatedAt", "RefundedAmount"],
            made.Select(m => new object?[] { G(m.Id), invoice["TenantId"], InvoiceNumber(m.Id, m.At), "Open", invoice["Currency"], invoice["Total"], null, null, null, D(m.At), 0L }));
        Insert(db, "InvoiceLines", ["Id", "InvoiceId", "MarketplaceItemId", "Description", "Quantity", "UnitAmount", "Amount"],
            made.Select(m => new object?[] { G(V7(m.At)), G(m.Id), line["MarketplaceItemId"], line["Description"], line["Quantity"], line["UnitAmount"], line["Amount"] }));
        Insert(db, "MarketplaceInstalls", ["Id", "TenantId", "MarketplaceItemId", "InvoiceId", "Status", "CreatedAt"],
            made.Select(m => new object?[] { G(V7(m.At)), install["TenantId"], install["MarketplaceItemId"], G(m.Id), install["Status"], D(m.At) }));
        Exec(db, "PRAGMA wal_checkpoint(TRUNCATE);");
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
    public static EarningsSeed Earnings(string path, Guid acmePartnerId, int otherPartners, int perPartner, int partnersPerInvoice)
    {
        var clock = Stopwatch.StartNew();
        using var db = OpenForSetup(path);
        var buyerTenant = Scalar<string>(db, "SELECT Id FROM Tenants WHERE Name = 'Globex'");
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
            tenants.Add([G(tenantId), D(at), 0, $"Bench Partner {p + 1:D4}", null]);
            accounts.Add([G(partnerId), G(tenantId), "Approved", $"Bench Partner {p + 1:D4}", $"partner{p + 1:D4}@bench.example", "US",
                "{\"method\":\"bank_transfer\",\"account\":\"bench\"}", D(at)]);
        }
        Insert(db, "Tenants", ["Id", "CreatedAt", "IsPlatform", "Name", "ResellerId"], tenants);
        Insert(db, "PartnerAccounts", ["Id", "TenantId", "Status", "DisplayName", "ContactEmail", "Country", "PayoutPreferences", "CreatedAt"], accounts);

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
        Insert(db, "Invoices", ["Id", "TenantId", "Number", "Status", "Currency", "Total", "PaymentMethod", "PaymentReference", "PaidAt", "CreatedAt", "RefundedAmount"],
            Enumerable.Range(0, invoiceCount).Select(j => new object?[]
            {
                G(invoiceIds[j]), buyerTenant, InvoiceNumber(invoiceIds[j], invoiceAt[j]), "Paid", Currency(j), price * partnersPerInvoice,
                "Stripe", $"in_bench_{j}", D(invoiceAt[j]), D(invoiceAt[j]), 0L,
            }));

        var earnings = Insert(db, "PartnerEarnings",
            ["Id", "CommissionAmount", "CreatedAt", "Currency", "GrossAmount", "InvoiceId", "Kind", "PartnerId", "PartnerNet", "PayableAt", "PayoutId", "RefundId", "ReversesEarningId"],
            Enumerable.Range(0, partners.Count).SelectMany(p => Enumerable.Range(0, perPartner).Select(k =>
            {
                var j = k * slots + p % slots;
                var at = invoiceAt[j].AddMilliseconds(200 + p % 97);
                const long commission = 3870;
                return new object?[]
                {
                    G(V7(at)), commission, D(at), Currency(j), price, G(invoiceIds[j]), "Accrual", G(partners[p]), price - commission, D(at), null, null, null,
                };
            })));
        Exec(db, "PRAGMA wal_checkpoint(TRUNCATE);");
        return new EarningsSeed(partners.Count, invoiceCount, earnings, clock.Elapsed);

        static string Currency(int invoice) => invoice % 10 == 9 ? "EUR" : "USD";
    }
}
