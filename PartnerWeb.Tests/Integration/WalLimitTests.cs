using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 19, item 3: under sustained writes with a reader always at work, the background checkpointer keeps
/// SQLite's WAL near <c>Database:Wal:LimitMegabytes</c> by truncating it between write transactions, and
/// concurrent writers of the app lose nothing meanwhile. A PASSIVE checkpoint alone never shrinks the file.
/// </summary>
[Trait("Database", TestDatabase.SqliteOnly)]
public sealed class WalLimitTests
{
    private const int Writers = 4;
    private const int TransactionsPerWriter = 60;
    private const int RowsPerTransaction = 25;
    private const int KeyLength = 2_000;
    private const long Limit = 1024 * 1024;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    private sealed class WalFactory() : PartnerWebFactory(null, new Dictionary<string, string?> { ["Database:Wal:LimitMegabytes"] = "1" })
    {
        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
    }

    [Fact]
    public async Task The_wal_is_truncated_past_its_limit_while_readers_and_concurrent_writers_keep_coming()
    {
        using var factory = new WalFactory();
        _ = factory.Server;
        var wal = factory.DatabasePath + "-wal";
        using var stop = new CancellationTokenSource();
        long peak = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, WalBytes(wal));
                await Task.Delay(20);
            }
        });
        var readerRounds = 0;
        var reader = Task.Run(async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), SUM(LENGTH(\"Key\")) FROM \"RateLimitWindows\"";
            while (!stop.IsCancellationRequested)
            {
                await command.ExecuteScalarAsync();
                readerRounds++;
            }
        });

        var expires = DateTime.UtcNow.AddDays(1);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var t = 0; t < TransactionsPerWriter; t++)
            {
                await using var scope = factory.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.RateLimitWindows.AddRange(Enumerable.Range(0, RowsPerTransaction).Select(r => new RateLimitWindow
                {
                    Key = $"wal-test:{w}:{t}:{r}:".PadRight(KeyLength, 'x'), Count = 1, ExpiresAt = expires,
                }));
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                // Paced, so that a fast machine does not write the whole load between two of the checkpointer's
                // ticks: about 7 MB/s of pages at most, a few MB per tick over the limit.
                await Task.Delay(Pace);
            }
        })));
        var peakUnderLoad = peak;

        // Once the load stops, the WAL left behind is truncated at the next ticks; PASSIVE alone would leave it at its peak.
        var settled = WalBytes(wal);
        for (var i = 0; i < 50 && settled > Limit; i++)
        {
            await Task.Delay(200);
            settled = WalBytes(wal);
        }
        await stop.CancelAsync();
        await Task.WhenAll(sampler, reader);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Equal(Writers * TransactionsPerWriter * RowsPerTransaction, await db.RateLimitWindows.CountAsync(k => k.Key.StartsWith("wal-test:")));
        }
        Assert.True(readerRounds > 0, "the reader loop never ran");
        Assert.True(settled <= Limit, $"the WAL stayed at {settled:N0} bytes after the load, above the 1 MB limit");
        // About 55 MB of pages go through the WAL (without the limit it ends at that size); it never holds more than a fraction.
        Assert.True(peakUnderLoad < 12 * Limit, $"the WAL reached {peakUnderLoad:N0} bytes under load");
        var truncations = factory.Logs.Entries
            .Where(e => e.Category == typeof(SqliteCheckpointer).FullName && e.Level == LogLevel.Information && e.Message.Contains("TRUNCATE"))
            .ToList();
        Assert.NotEmpty(truncations);
    }

    private static long WalBytes(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
