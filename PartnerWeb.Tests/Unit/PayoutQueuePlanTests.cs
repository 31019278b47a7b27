using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// The operator's payouts queue must stay fast with 10,000 partners (issue 19): its page and its totals are read
/// from the partial queue index, whose size follows the payouts waiting, not the ones ever paid. SQLite's plan
/// of the statements the service really sends shows it.
/// </summary>
public sealed class PayoutQueuePlanTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData(PayoutStatus.Failed, true)]
    public async Task The_page_and_the_totals_read_only_the_queue_index(PayoutStatus? status, bool deepPage)
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var captured = new CapturedCommands();
        await using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).AddInterceptors(captured).Options);
        await db.Database.MigrateAsync();
        captured.Commands.Clear();
        var cursor = deepPage ? new Cursor(DateTime.UtcNow, Guid.NewGuid()).Encode() : null;

        await new PayoutQueue(db, null!, null!).ListAsync(new PayoutQueueQuery { Status = status, Cursor = cursor }, CancellationToken.None);

        var payoutReads = captured.Commands.Where(c => c.Text.Contains("FROM \"PartnerPayouts\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, payoutReads.Count);
        foreach (var (text, parameters) in payoutReads)
        {
            var plan = await PlanAsync(connection, text, parameters);
            var shown = $"{text}\n{string.Join("\n", plan)}";
            var read = Assert.Single(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) || step.StartsWith("SEARCH", StringComparison.Ordinal));
            // The page looks up its 51 rows; the totals need nothing beyond the index.
            var index = text.Contains("GROUP BY", StringComparison.Ordinal) ? "COVERING INDEX IX_PartnerPayouts_Queue" : "INDEX IX_PartnerPayouts_Queue";
            Assert.True(read.Contains(index, StringComparison.Ordinal), shown);
            Assert.False(plan.Any(step => step.Contains("FOR ORDER BY", StringComparison.Ordinal)), shown);
        }
    }

    private static async Task<List<string>> PlanAsync(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var steps = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) steps.Add(reader.GetString(3));
        return steps;
    }
}
