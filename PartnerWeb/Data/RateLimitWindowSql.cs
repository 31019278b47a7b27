using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace PartnerWeb.Data;

/// <summary>
/// Counts one attempt in a rate-limit window with one statement: insert the window's row with a count of
/// one, or add one to it, and return the new count. The statement is atomic on its own, so attempts racing
/// on any number of instances are each counted once and see distinct counts. Placeholders: {0} the
/// window's key, {1} its end.
/// </summary>
public static class RateLimitWindowSql
{
    private const string Sqlite = """
        INSERT INTO "RateLimitWindows" ("Key", "Count", "ExpiresAt") VALUES ({0}, 1, {1})
        ON CONFLICT ("Key") DO UPDATE SET "Count" = "Count" + 1
        RETURNING "Count" AS "Value"
        """;

    private const string PostgreSql = """
        INSERT INTO "RateLimitWindows" ("Key", "Count", "ExpiresAt") VALUES ({0}, 1, {1})
        ON CONFLICT ("Key") DO UPDATE SET "Count" = "RateLimitWindows"."Count" + 1
        RETURNING "Count" AS "Value"
        """;

    // HOLDLOCK holds the key range from the match to the insert: without it two first attempts can both
    // miss the row and the second insert fails on the primary key.
    private const string SqlServer = """
        MERGE [RateLimitWindows] WITH (HOLDLOCK) AS [w]
        USING (VALUES ({0}, {1})) AS [a] ([Key], [ExpiresAt]) ON [w].[Key] = [a].[Key]
        WHEN MATCHED THEN UPDATE SET [Count] = [w].[Count] + 1
        WHEN NOT MATCHED THEN INSERT ([Key], [Count], [ExpiresAt]) VALUES ([a].[Key], 1, [a].[ExpiresAt])
        OUTPUT inserted.[Count] AS [Value];
        """;

    /// <summary>The statement as EF sends it (the SQL Server one is checked as T-SQL by the tests).</summary>
    public static IQueryable<int> Increment(DatabaseFacade database, string key, DateTime expiresAt) =>
        database.SqlQueryRaw<int>(database.ProviderName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => Sqlite,
            "Microsoft.EntityFrameworkCore.SqlServer" => SqlServer,
            "Npgsql.EntityFrameworkCore.PostgreSQL" => PostgreSql,
            var other => throw new NotSupportedException($"No rate-limit statement for the provider {other}."),
        }, key, expiresAt);

    public static Task<int> IncrementAsync(DatabaseFacade database, string key, DateTime expiresAt, CancellationToken ct) =>
        SqliteWriteGate.QueuedAsync(database, async () => (await Increment(database, key, expiresAt).ToListAsync(ct)).Single(), ct);
}
