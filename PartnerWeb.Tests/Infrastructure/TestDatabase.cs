using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PartnerWeb.Data;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Which database the integration and reliability suites run on. SQLite by default (a file per app);
/// <c>PARTNERWEB_TEST_PROVIDER=PostgreSql</c> with <c>PARTNERWEB_TEST_POSTGRES</c> (a connection string
/// without a database, as scripts/test.sh sets it), or <c>PARTNERWEB_TEST_SQLSERVER</c> (likewise),
/// runs them on a server: each test database is a fresh database on it, named after the file path the
/// test would have used, so apps given the same path share one database.
/// </summary>
public static class TestDatabase
{
    /// <summary>Trait value (<c>Database</c>) of tests of SQLite's own mechanics: the server passes leave them out.</summary>
    public const string SqliteOnly = "SqliteOnly";

    /// <summary>Trait value of tests that need <see cref="PostgresServer"/> whatever the provider: only the PostgreSQL pass runs them.</summary>
    public const string PostgreSqlOnly = "PostgreSqlOnly";

    public static DatabaseProvider Provider { get; } =
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("PARTNERWEB_TEST_PROVIDER"), ignoreCase: true, out var chosen)
            ? chosen
            : Environment.GetEnvironmentVariable("PARTNERWEB_TEST_SQLSERVER") is { Length: > 0 } ? DatabaseProvider.SqlServer : DatabaseProvider.Sqlite;

    /// <summary>The server of the PostgreSQL suites; the multi-instance tests need one whatever the provider.</summary>
    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("PARTNERWEB_TEST_POSTGRES") is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException("Set PARTNERWEB_TEST_POSTGRES to a PostgreSQL connection string without a database (scripts/test.sh starts a throw-away cluster and sets it).");

    private static string SqlServerServer =>
        Environment.GetEnvironmentVariable("PARTNERWEB_TEST_SQLSERVER") is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException("Set PARTNERWEB_TEST_SQLSERVER to a SQL Server connection string without a database.");

    public static string ConnectionString(string path) => Provider switch
    {
        DatabaseProvider.PostgreSql => PostgresConnectionString(path),
        DatabaseProvider.SqlServer => $"{SqlServerServer};Initial Catalog={NameFor(path)};TrustServerCertificate=True",
        _ => $"Data Source={path}",
    };

    public static string PostgresConnectionString(string path) => $"{PostgresServer};Database={NameFor(path)}";

    /// <summary>A database name from the path: stable, so two apps on one path meet in one database.</summary>
    public static string NameFor(string path) =>
        "pwtest_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(path))))[..24];

    /// <summary>Removes the test database behind the path, whatever the provider.</summary>
    public static void Delete(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(file)) File.Delete(file);
        if (Provider == DatabaseProvider.PostgreSql) DropPostgres(NameFor(path));
        if (Provider == DatabaseProvider.SqlServer) DropSqlServer(NameFor(path));
    }

    // Database names cannot be parameters; these are "pwtest_" and hex digits (NameFor).
#pragma warning disable DAP241
    public static void DropPostgres(string database)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection($"{PostgresServer};Database=postgres");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }

    private static void DropSqlServer(string database)
    {
        Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
        using var connection = new Microsoft.Data.SqlClient.SqlConnection($"{SqlServerServer};Initial Catalog=master;TrustServerCertificate=True");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"IF DB_ID('{database}') IS NOT NULL BEGIN ALTER DATABASE [{database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{database}]; END";
        command.ExecuteNonQuery();
    }
#pragma warning restore DAP241
}
