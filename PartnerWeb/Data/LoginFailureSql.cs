using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace PartnerWeb.Data;

/// <summary>
/// Claims one sign-in attempt of an email with one statement, a compare-and-swap: insert the email's row,
/// or update it only while it still holds the failures and last failure the caller read. It returns the
/// new count when the claim took and no row when another attempt changed the row first (the caller reads
/// again), so attempts racing on any number of instances are each counted once and none is lost.
/// Placeholders: {0} the key, {1} the new count, {2} now, {3} and {4} the count and last failure read.
/// </summary>
public static class LoginFailureSql
{
    private const string Sqlite = """
        INSERT INTO "LoginFailures" ("Key", "Failures", "LastFailureAt") VALUES ({0}, {1}, {2})
        ON CONFLICT ("Key") DO UPDATE SET "Failures" = {1}, "LastFailureAt" = {2}
        WHERE "Failures" = {3} AND "LastFailureAt" = {4}
        RETURNING "Failures" AS "Value"
        """;

    private const string PostgreSql = """
        INSERT INTO "LoginFailures" ("Key", "Failures", "LastFailureAt") VALUES ({0}, {1}, {2})
        ON CONFLICT ("Key") DO UPDATE SET "Failures" = {1}, "LastFailureAt" = {2}
        WHERE "LoginFailures"."Failures" = {3} AND "LoginFailures"."LastFailureAt" = {4}
        RETURNING "Failures" AS "Value"
        """;

    // HOLDLOCK holds the key range from the match to the insert, as in RateLimitWindowSql.
    private const string SqlServer = """
        MERGE [LoginFailures] WITH (HOLDLOCK) AS [f]
        USING (VALUES ({0}, {1}, {2}, {3}, {4})) AS [a] ([Key], [Failures], [At], [ReadFailures], [ReadAt]) ON [f].[Key] = [a].[Key]
        WHEN MATCHED AND [f].[Failures] = [a].[ReadFailures] AND [f].[LastFailureAt] = [a].[ReadAt]
            THEN UPDATE SET [Failures] = [a].[Failures], [LastFailureAt] = [a].[At]
        WHEN NOT MATCHED THEN INSERT ([Key], [Failures], [LastFailureAt]) VALUES ([a].[Key], [a].[Failures], [a].[At])
        OUTPUT inserted.[Failures] AS [Value];
        """;

    /// <summary>The statement as EF sends it (the SQL Server one is checked as T-SQL by the tests).</summary>
    public static IQueryable<int> Claim(DatabaseFacade database, string key, int failures, DateTime now, int readFailures, DateTime readAt) =>
        database.SqlQueryRaw<int>(database.ProviderName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => Sqlite,
            "Microsoft.EntityFrameworkCore.SqlServer" => SqlServer,
            "Npgsql.EntityFrameworkCore.PostgreSQL" => PostgreSql,
            var other => throw new NotSupportedException($"No login-failure statement for the provider {other}."),
        }, key, failures, now, readFailures, readAt);

    /// <returns>Whether the claim took.</returns>
    public static Task<bool> ClaimAsync(DatabaseFacade database, string key, int failures, DateTime now, int readFailures, DateTime readAt, CancellationToken ct) =>
        SqliteWriteGate.QueuedAsync(database, async () => (await Claim(database, key, failures, now, readFailures, readAt).ToListAsync(ct)).Count == 1, ct);
}
