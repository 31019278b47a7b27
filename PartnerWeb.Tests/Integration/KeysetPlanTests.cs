using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PartnerWeb.Data;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 19: an earnings page costs the same at any depth, with or without a date filter, on PostgreSQL too.
/// PostgreSQL cannot bound an index range by the cursor's OR; when it only filtered by it, the last page of a
/// 180-day range walked half a million index entries. This runs the statement the API sends, with
/// EXPLAIN ANALYZE, over a partner with 20,000 entries, and counts the index entries it reads.
/// </summary>
[Trait("Database", TestDatabase.PostgreSqlOnly)]
public sealed class KeysetPlanTests : IAsyncLifetime
{
    private const int Entries = 20_000;
    private const int Limit = 50;
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly string _database = "pwtest_keyset_" + Guid.NewGuid().ToString("N")[..12];
    private readonly Guid _partner = Guid.NewGuid();
    private readonly CapturedCommands _captured = new();
    private PostgreSqlAppDbContext _db = null!;

    public async Task InitializeAsync()
    {
        _db = new PostgreSqlAppDbContext(new DbContextOptionsBuilder<PostgreSqlAppDbContext>()
            .UseNpgsql($"{TestDatabase.PostgresServer};Database={_database}").AddInterceptors(_captured).Options);
        await _db.Database.MigrateAsync();
        // One entry every 26 minutes back from Now (a year of them), for a partner the test does not create:
        // replica mode skips the foreign keys, which the plan does not depend on.
        await _db.Database.ExecuteSqlRawAsync("""
            SET session_replication_role = replica;
            INSERT INTO "PartnerEarnings" ("Id", "PartnerId", "Kind", "Currency", "GrossAmount", "CommissionAmount", "PartnerNet", "CreatedAt", "PayableAt")
            SELECT gen_random_uuid(), {0}, 'Accrual', 'USD', 1000, 300, 700, {1} - n * interval '26 minutes', {1}
            FROM generate_series(1, {2}) AS n;
            SET session_replication_role = DEFAULT;
            ANALYZE "PartnerEarnings";
            """, _partner, Now, Entries);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        TestDatabase.DropPostgres(_database);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData(180, false)]
    [InlineData(180, true)]
    public async Task A_page_reads_only_its_own_rows_at_any_depth(int? daysBack, bool lastPage)
    {
        var from = daysBack is { } days ? DateOnly.FromDateTime(Now.AddDays(-days)) : (DateOnly?)null;
        var cursor = lastPage ? await CursorBeforeTheLastPageAsync(from) : null;
        var query = new EarningsQuery { From = from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Cursor = cursor, Limit = Limit };
        var service = new EarningService(_db, null!, new EarningDetails(_db),
            new LedgerReader(_db, new FakeTimeProvider(new DateTimeOffset(Now)), Options.Create(new PartnerOptions())));
        _captured.Commands.Clear();

        var page = await service.ListAsync(Partner(), query, CancellationToken.None);

        Assert.Equal(Limit, page.Items.Count);
        var (sql, parameters) = Assert.Single(_captured.Commands, c => c.Text.Contains("ORDER BY", StringComparison.Ordinal)
            && c.Text.Contains("FROM \"PartnerEarnings\"", StringComparison.Ordinal));
        var (read, removed, plan) = await ExplainAsync(sql, parameters);
        // The page and the one row that says whether there is more; a handful more at most where rows tie on the cursor.
        Assert.True(read <= Limit + 5 && removed <= 5, $"read {read} index rows, filtered out {removed}:\n{sql}\n{plan}");
    }

    /// <summary>The API's cursor of the row just before the last page of the range.</summary>
    private async Task<string> CursorBeforeTheLastPageAsync(DateOnly? from)
    {
        var start = from?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) ?? DateTime.MinValue.ToUniversalTime();
        var row = await _db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == _partner && e.CreatedAt >= start)
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Skip(Limit).Select(e => new { e.CreatedAt, e.Id }).FirstAsync();
        return new Cursor(row.CreatedAt, row.Id).Encode();
    }

    private PartnerDto Partner() => new(_partner, Guid.NewGuid(), Domain.PartnerStatus.Approved, "Plan", "plan@example.com", "US", default, Now);

    /// <summary>Index rows the scan node returned plus those its filter removed, from PostgreSQL's own counts.</summary>
    private async Task<(long Read, long Removed, string Plan)> ExplainAsync(string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        var connection = (NpgsqlConnection)_db.Database.GetDbConnection();
        await _db.Database.OpenConnectionAsync();
        try
        {
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection);
            foreach (var (name, value) in parameters) explain.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
            var json = (string)(await explain.ExecuteScalarAsync())!;
            var scans = Nodes(JsonDocument.Parse(json).RootElement[0].GetProperty("Plan"))
                .Where(n => n.TryGetProperty("Relation Name", out _)).ToList();
            var scan = Assert.Single(scans);
            var removed = scan.TryGetProperty("Rows Removed by Filter", out var r) ? r.GetInt64() : 0;
            return (scan.GetProperty("Actual Rows").GetInt64() + removed, removed, json);
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                foreach (var n in Nodes(child)) yield return n;
    }
}
