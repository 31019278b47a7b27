using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace PartnerWeb.Bench;

/// <summary>
/// B0: what this machine's SQLite does at best. Raw Microsoft.Data.Sqlite inserts (one prepared
/// statement) into a table shaped like PartnerEarnings with the same unique (InvoiceId, PartnerId)
/// accrual index, on a WAL file with the PRAGMAs the app sets on its connections (<see cref="BenchSettings.AppPragmas"/>).
/// </summary>
internal static class Ceiling
{
    public static double InsertsPerSecond(string directory, string synchronous, int rows, int perTransaction)
    {
        var path = Path.Combine(directory, $"b0-{synchronous.ToLowerInvariant()}-{perTransaction}.db");
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        Seed.Exec(db, "PRAGMA journal_mode=WAL;");
        Seed.Exec(db, $"PRAGMA synchronous={synchronous}; {BenchSettings.AppPragmas}");
        Seed.Exec(db, """
            CREATE TABLE "B0" (
                "Id" TEXT NOT NULL PRIMARY KEY, "InvoiceId" TEXT NOT NULL, "PartnerId" TEXT NOT NULL, "Kind" TEXT NOT NULL,
                "Currency" TEXT NOT NULL, "GrossAmount" INTEGER NOT NULL, "CommissionAmount" INTEGER NOT NULL, "PartnerNet" INTEGER NOT NULL,
                "PayableAt" TEXT NOT NULL, "CreatedAt" TEXT NOT NULL);
            CREATE UNIQUE INDEX "IX_B0_Accrual" ON "B0" ("InvoiceId", "PartnerId") WHERE Kind = 'Accrual';
            """);
        using var insert = db.CreateCommand();
        insert.CommandText = """INSERT INTO "B0" VALUES ($id, $invoice, $partner, 'Accrual', 'USD', 12900, 3870, 9030, $at, $at)""";
        var id = insert.Parameters.Add(new SqliteParameter("$id", ""));
        var invoice = insert.Parameters.Add(new SqliteParameter("$invoice", ""));
        var partner = insert.Parameters.Add(new SqliteParameter("$partner", Seed.G(Guid.NewGuid())));
        var at = insert.Parameters.Add(new SqliteParameter("$at", ""));

        var clock = Stopwatch.StartNew();
        for (var done = 0; done < rows;)
        {
            using var tx = db.BeginTransaction();
            insert.Transaction = tx;
            for (var i = 0; i < perTransaction && done < rows; i++, done++)
            {
                var now = DateTime.UtcNow;
                id.Value = Seed.G(Seed.V7(now));
                invoice.Value = Seed.G(Seed.V7(now));
                at.Value = Seed.D(now);
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var perSecond = rows / clock.Elapsed.TotalSeconds;
        db.Close();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        return perSecond;
    }

    public static string SqliteVersion()
    {
        using var db = new SqliteConnection("Data Source=:memory:");
        db.Open();
        return Seed.Scalar<string>(db, "select sqlite_version()");
    }
}
