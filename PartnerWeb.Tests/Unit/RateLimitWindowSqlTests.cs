using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PartnerWeb.Data;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Unit;

/// <summary>The one statement that counts an attempt, per provider (PostgreSQL's runs where that provider is tested).</summary>
public sealed class RateLimitWindowSqlTests
{
    [Fact]
    public async Task On_sqlite_it_inserts_then_increments_and_returns_the_new_count()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        await db.Database.MigrateAsync();
        var expiresAt = new DateTime(2026, 11, 24, 12, 1, 0, DateTimeKind.Utc);

        var counts = new List<int>();
        for (var i = 0; i < 3; i++) counts.Add(await RateLimitWindowSql.IncrementAsync(db.Database, "a", expiresAt, CancellationToken.None));
        Assert.Equal([1, 2, 3], counts);
        Assert.Equal(1, await RateLimitWindowSql.IncrementAsync(db.Database, "b", expiresAt, CancellationToken.None));

        var row = await db.RateLimitWindows.AsNoTracking().SingleAsync(w => w.Key == "a");
        Assert.Equal((3, expiresAt), (row.Count, row.ExpiresAt));
    }

    [Fact]
    public void On_sql_server_it_is_one_merge_that_holds_its_key_range_and_outputs_the_count()
    {
        using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=(unused);Database=PartnerWeb;Trusted_Connection=True").Options);
        // ToQueryString declares raw-SQL parameters by their bare names (p0); SqlClient sends them as @p0.
        var sql = Regex.Replace(RateLimitWindowSql.Increment(db.Database, "PartnerWrites:0f:1795953600", DateTime.UtcNow).ToQueryString(),
            @"^DECLARE (?=\w)", "DECLARE @", RegexOptions.Multiline);

        var script = TSql.AssertParses(sql);
        var merge = Assert.Single(script.Batches.SelectMany(b => b.Statements).OfType<MergeStatement>()).MergeSpecification;
        var target = Assert.IsType<NamedTableReference>(merge.Target);
        Assert.Equal("RateLimitWindows", target.SchemaObject.BaseIdentifier.Value);
        Assert.Contains(target.TableHints, h => h.HintKind == TableHintKind.HoldLock);
        Assert.NotNull(merge.OutputClause);
    }
}
