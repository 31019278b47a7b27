using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Jobs;

namespace PartnerWeb.Tests.Unit;

public sealed class PurgeRateLimitWindowsJobTests
{
    [Fact]
    public async Task Ended_windows_are_deleted_batch_after_batch_and_current_ones_stay()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        await db.Database.MigrateAsync();
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 15, TimeSpan.Zero);
        // Ended at this very second or earlier, more than two batches of them.
        db.RateLimitWindows.AddRange(Enumerable.Range(0, 2500).Select(i =>
            new RateLimitWindow { Key = $"ended:{i}", Count = 1, ExpiresAt = now.UtcDateTime.AddSeconds(-i) }));
        db.RateLimitWindows.Add(new RateLimitWindow { Key = "current", Count = 3, ExpiresAt = now.UtcDateTime.AddSeconds(45) });
        await db.SaveChangesAsync();

        Assert.Equal(2500, await new PurgeRateLimitWindowsJob(db, new FakeTimeProvider(now)).RunAsync(CancellationToken.None));
        Assert.Equal(["current"], await db.RateLimitWindows.AsNoTracking().Select(w => w.Key).ToListAsync());
    }
}
