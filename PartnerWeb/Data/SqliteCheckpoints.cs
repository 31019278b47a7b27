using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
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

/// <summary>How large SQLite's WAL may grow before the checkpointer empties it (<c>Database:Wal</c>).</summary>
public sealed class SqliteWalOptions
{
    /// <summary>Past this size the WAL is checkpointed and truncated between write transactions.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_048_576)]
    public int LimitMegabytes { get; set; } = 64;
}

/// <summary>
/// Checkpoints the SQLite WAL every half second (<c>PASSIVE</c>: it never blocks readers or the
/// writer, and copies only what no reader still needs), so commits do not. A PASSIVE checkpoint never
/// rewinds the log, and while readers and writers keep coming SQLite rarely finds the moment to do it
/// itself, so under sustained load the WAL grew without bound (1.4 GB beside a 320 MB database). Past
/// <see cref="SqliteWalOptions.LimitMegabytes"/> the checkpointer therefore holds the process's write
/// gate (no writer of this process is then inside a transaction) and takes a <c>TRUNCATE</c> checkpoint,
/// which waits, up to <see cref="ReaderWait"/>, for readers of older snapshots. Does nothing on server databases.
/// </summary>
public sealed class SqliteCheckpointer(
    IServiceProvider services, IOptions<SqliteWalOptions> options, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait for the write gate: a writer holds it for one transaction, so this is only reached under trouble.</summary>
    public static readonly TimeSpan GateWait = TimeSpan.FromSeconds(5);

    /// <summary>busy_timeout of the truncating checkpoint: how long writers of this process wait at the gate at most while readers finish.</summary>
    public static readonly TimeSpan ReaderWait = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (DatabaseSetup.Provider(services) != DatabaseProvider.Sqlite) return;
        var connectionString = DatabaseSetup.SqliteConnectionString(services);
        var limit = options.Value.LimitMegabytes * 1024L * 1024L;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                await CheckpointAsync(connection, "PASSIVE", stoppingToken);
                if (WalBytes(connection) > limit) await TruncateAsync(connection, stoppingToken);
            }
            // Nothing may end this loop but shutdown: with automatic checkpoints off, the WAL would grow for good.
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "WAL checkpoint failed; trying again in {Interval}", Interval);
            }
        }
    }

    private async Task TruncateAsync(SqliteConnection connection, CancellationToken ct)
    {
        var before = WalBytes(connection);
        var started = time.GetTimestamp();
        using var hold = await SqliteWriteGate.HoldAsync(connection.DataSource, GateWait, ct);
        if (hold is null)
        {
            logger.LogWarning("WAL of {Bytes} bytes not truncated: the write gate stayed busy for {Wait}; trying again in {Interval}", before, GateWait, Interval);
            return;
        }
        // The connection goes back to the pool the app's own connections come from: its busy_timeout is put back.
        var usual = await PragmaAsync(connection, "busy_timeout", ct);
        bool blocked;
        try
        {
            await PragmaAsync(connection, $"busy_timeout={(int)ReaderWait.TotalMilliseconds}", ct);
            blocked = await CheckpointAsync(connection, "TRUNCATE", ct);
        }
        finally
        {
            await PragmaAsync(connection, $"busy_timeout={usual}", CancellationToken.None);
        }
        var after = WalBytes(connection);
        logger.LogInformation("WAL checkpoint (TRUNCATE) past the limit: {Before} bytes before, {After} after, {Outcome} in {Elapsed} ms",
            before, after, blocked ? "readers still busy, retried next time" : "complete", (int)time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Runs wal_checkpoint(mode); true when SQLite answered busy (it could not finish for readers or a writer).</summary>
    private static async Task<bool> CheckpointAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && reader.GetInt64(0) != 0;
    }

    private static async Task<long> PragmaAsync(SqliteConnection connection, string pragma, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long WalBytes(SqliteConnection connection)
    {
        var wal = new FileInfo(connection.DataSource + "-wal");
        return wal.Exists ? wal.Length : 0;
    }
}
