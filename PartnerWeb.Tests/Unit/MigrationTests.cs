using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PartnerWeb.Data;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// SQL Server cannot run on these machines, so its path is held honest here: the model matches
/// the checked-in migrations for every provider, and the SQL Server script parses as T-SQL.
/// (PostgreSQL's migrations also run for real: the test suites run on it in scripts/test.sh.)
/// </summary>
public sealed class MigrationTests
{
    private static SqlServerAppDbContext SqlServer() => new(new DbContextOptionsBuilder<SqlServerAppDbContext>()
        .UseSqlServer("Server=(unused);Database=PartnerWeb;Trusted_Connection=True").Options);

    [Fact]
    public void Sqlite_model_has_no_pending_changes()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqliteAppDbContext -o Data/Migrations/Sqlite");
    }

    [Fact]
    public void SqlServer_model_has_no_pending_changes()
    {
        using var db = SqlServer();
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqlServerAppDbContext -o Data/Migrations/SqlServer");
    }

    [Fact]
    public void PostgreSql_model_has_no_pending_changes()
    {
        using var db = new PostgreSqlDesignTimeFactory().CreateDbContext([]);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context PostgreSqlAppDbContext -o Data/Migrations/PostgreSql");
    }

    /// <summary>PostgreSQL came later with one Initial of the whole model; every migration since exists for all three.</summary>
    [Fact]
    public void Every_provider_has_the_same_migrations()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        using var sqlite = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        using var sqlServer = SqlServer();
        using var postgres = new PostgreSqlDesignTimeFactory().CreateDbContext([]);
        static List<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]).ToList();
        Assert.Equal(Names(sqlite), Names(sqlServer));
        const string LastBeforePostgreSql = "InvoiceStatusLength";
        Assert.Equal(Names(sqlite).SkipWhile(n => n != LastBeforePostgreSql).Skip(1), Names(postgres).Skip(1));
        Assert.Equal("Initial", Names(postgres)[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SqlServer_migration_script_is_valid_TSql(bool idempotent)
    {
        using var db = SqlServer();
        var script = db.GetService<IMigrator>().GenerateScript(
            options: idempotent ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);
        Assert.Contains("CREATE TABLE [Tenants]", script);
        Assert.Contains("CREATE TABLE [AuditEvents]", script);

        Assert.NotEmpty(TSql.AssertParses(script).Batches);
    }

    [Fact]
    public void The_TSql_check_can_fail()
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader("CREATE TABLE [X] ([Id] uniqueidentifier NOT NULL,, PRIMARY KEY"), out var errors);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Sqlite_migrations_apply_to_an_empty_database()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        db.Database.Migrate();
        Assert.Empty(db.Database.GetPendingMigrations());
        Assert.Equal(0, db.Tenants.Count());
        Assert.Equal(0, db.AuditEvents.Count());
    }

    [Fact]
    public void Money_columns_are_64_bit_integers()
    {
        using var db = SqlServer();
        var moneyProperties = db.Model.GetEntityTypes()
            .SelectMany(e => e.GetProperties())
            .Where(p => p.Name is "Price" or "Total" or "Amount" or "UnitAmount" or "GrossAmount" or "CommissionAmount" or "PartnerNet")
            .ToList();
        Assert.All(moneyProperties, p => Assert.Equal(typeof(long), p.ClrType));
    }
}
