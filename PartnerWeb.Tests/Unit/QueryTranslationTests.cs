using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Tests.Infrastructure;
using PartnerWeb.Data;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Tests.Unit;

/// <summary>Queries written for speed must still translate for both providers (SQL Server is checked as T-SQL text).</summary>
public sealed class QueryTranslationTests
{
    [Fact]
    public void The_day_chart_groups_by_one_date_function_on_both_providers()
    {
        var partnerId = Guid.NewGuid();
        using (var sqlServer = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=(unused);Database=PartnerWeb;Trusted_Connection=True").Options))
        {
            var sql = EarningService.PerDay(sqlServer.PartnerEarnings.Where(e => e.PartnerId == partnerId)).ToQueryString();
            Assert.Contains("CAST([p].[CreatedAt] AS date)", sql);
            TSql.AssertParses(sql);
        }

        using var connection = new SqliteConnection("Data Source=:memory:");
        using var sqlite = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        var sqliteSql = EarningService.PerDay(sqlite.PartnerEarnings.Where(e => e.PartnerId == partnerId)).ToQueryString();
        Assert.Contains("date(\"p\".\"CreatedAt\")", sqliteSql);
        Assert.DoesNotContain("strftime", sqliteSql);
    }
}
