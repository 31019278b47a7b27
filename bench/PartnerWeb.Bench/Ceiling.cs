using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

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
        Exec(db, "PRAGMA journal_mode=WAL;");
        Exec(db, $"PRAGMA synchronous={synchronous}; {BenchSettings.AppPragmas}");
        Exec(db, """
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
        var partner = insert.Parameters.Add(new SqliteParameter("$partner", SqliteBenchDb.G(Guid.NewGuid())));
        var at = insert.Parameters.Add(new SqliteParameter("$at", ""));

        var clock = Stopwatch.StartNew();
        for (var done = 0; done < rows;)
        {
            using var tx = db.BeginTransaction();
            insert.Transaction = tx;
            for (var i = 0; i < perTransaction && done < rows; i++, done++)
            {
                var now = DateTime.UtcNow;
                id.Value = SqliteBenchDb.G(Seed.V7(now));
                invoice.Value = SqliteBenchDb.G(Seed.V7(now));
                at.Value = SqliteBenchDb.D(now);
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
        using var command = db.CreateCommand();
        command.CommandText = "select sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    private static void Exec(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// B0 on PostgreSQL: the same table shape, the same partial unique accrual index and the same prepared
    /// insert (Npgsql), in a fresh database, at the server's synchronous_commit (on, as the app runs) or
    /// with the session's synchronous_commit set to off for comparison.
    /// </summary>
    public static double PostgresInsertsPerSecond(string server, bool synchronousCommit, int rows, int perTransaction)
    {
        var bench = PostgresBenchDb.Create(server, "b0");
        try
        {
            using var db = (NpgsqlConnection)bench.OpenAsApp();
            if (!synchronousCommit) bench.Exec(db, "SET synchronous_commit = off");
            bench.Exec(db, """
                CREATE TABLE "B0" (
                    "Id" uuid NOT NULL PRIMARY KEY, "InvoiceId" uuid NOT NULL, "PartnerId" uuid NOT NULL, "Kind" character varying(16) NOT NULL,
                    "Currency" character(3) NOT NULL, "GrossAmount" bigint NOT NULL, "CommissionAmount" bigint NOT NULL, "PartnerNet" bigint NOT NULL,
                    "PayableAt" timestamp with time zone NOT NULL, "CreatedAt" timestamp with time zone NOT NULL);
                CREATE UNIQUE INDEX "IX_B0_Accrual" ON "B0" ("InvoiceId", "PartnerId") WHERE "Kind" = 'Accrual';
                """);
            using var insert = new NpgsqlCommand("""INSERT INTO "B0" VALUES (@id, @invoice, @partner, 'Accrual', 'USD', 12900, 3870, 9030, @at, @at)""", db);
            var id = new NpgsqlParameter<Guid>("id", NpgsqlDbType.Uuid);
            var invoice = new NpgsqlParameter<Guid>("invoice", NpgsqlDbType.Uuid);
            var at = new NpgsqlParameter<DateTime>("at", NpgsqlDbType.TimestampTz);
            insert.Parameters.Add(id);
            insert.Parameters.Add(invoice);
            insert.Parameters.Add(new NpgsqlParameter<Guid>("partner", NpgsqlDbType.Uuid) { TypedValue = Guid.NewGuid() });
            insert.Parameters.Add(at);
            insert.Prepare();

            var clock = Stopwatch.StartNew();
            for (var done = 0; done < rows;)
            {
                using var tx = db.BeginTransaction();
                insert.Transaction = tx;
                for (var i = 0; i < perTransaction && done < rows; i++, done++)
                {
                    var now = DateTime.UtcNow;
                    id.TypedValue = Seed.V7(now);
                    invoice.TypedValue = Seed.V7(now);
                    at.TypedValue = now;
                    insert.ExecuteNonQuery();
                }
                tx.Commit();
            }
            return rows / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            bench.Finish();
        }
    }
}
