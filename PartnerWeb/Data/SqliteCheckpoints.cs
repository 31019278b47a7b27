using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace PartnerWeb.Data;

/// <summary>
/// SQLite's default runs a WAL checkpoint inside whichever commit takes the log past 1,000 pages, so
/// that request pays for copying every page written since the last one (after attaching a million
/// earnings to a payout, about as long again as the update itself). The app's connections turn
/// that off (<c>wal_autocheckpoint=0</c>, once per native connection, which the pool keeps) and
/// <see cref="SqliteCheckpointer"/> checkpoints in the background instead. <c>journal_size_limit</c>
/// gives the disk back after a large transaction once the log has been checkpointed and restarts.
/// </summary>
public sealed class SqliteConnectionSettings : IDbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    public const string Pragmas = "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";

    private static readonly ConditionalWeakTable<sqlite3, object> Configured = new();

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    private static void Configure(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || !Configured.TryAdd(handle, Instance)) return;
        using var command = sqlite.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// Checkpoints the SQLite WAL every half second (<c>PASSIVE</c>: it never blocks readers or the
/// writer, and copies only what no reader still needs), so commits do not. Does nothing on SQL Server.
/// </summary>
public sealed class SqliteCheckpointer(IServiceProvider services, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (DatabaseSetup.Provider(services) != DatabaseProvider.Sqlite) return;
        var connectionString = DatabaseSetup.SqliteConnectionString(services);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            // Nothing may end this loop but shutdown: with automatic checkpoints off, the WAL would grow for good.
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "WAL checkpoint failed; trying again in {Interval}", Interval);
            }
        }
    }
}
