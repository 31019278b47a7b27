using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Jobs;

namespace PartnerWeb.Tests.Unit;

public sealed class PurgeRateLimitWindowsJobTests
{
    [Fact]
    public async Task Ended_windows_and_forgotten_login_failures_are_deleted_batch_after_batch_and_current_ones_stay()
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
        // Failures forgotten after a day: the last failure a day ago or earlier goes, a later one stays.
        db.LoginFailures.AddRange(Enumerable.Range(0, 1200).Select(i =>
            new LoginFailure { Key = $"forgotten:{i}", Failures = 3, LastFailureAt = now.UtcDateTime.AddDays(-1).AddSeconds(-i) }));
        db.LoginFailures.Add(new LoginFailure { Key = "remembered", Failures = 9, LastFailureAt = now.UtcDateTime.AddDays(-1).AddSeconds(1) });
        await db.SaveChangesAsync();

        var lockout = Options.Create(new LockoutSettings { ResetAfterMinutes = 1440 });
        Assert.Equal(3700, await new PurgeRateLimitWindowsJob(db, new FakeTimeProvider(now), lockout).RunAsync(CancellationToken.None));
        Assert.Equal(["current"], await db.RateLimitWindows.AsNoTracking().Select(w => w.Key).ToListAsync());
        Assert.Equal(["remembered"], await db.LoginFailures.AsNoTracking().Select(f => f.Key).ToListAsync());
    }
}
