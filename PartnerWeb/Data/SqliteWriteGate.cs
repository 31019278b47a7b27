using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerWeb.Data;

/// <summary>
/// SQLite allows one writer per database file. Microsoft.Data.Sqlite begins transactions with
/// <c>BEGIN IMMEDIATE</c> and, when another connection holds the write lock, sleeps 150 ms before
/// trying again, so a handful of concurrent writers turn sub-millisecond transactions into
/// 150 ms waits. This interceptor queues writers of one file in the process instead: a transaction
/// waits (asynchronously, first come first served) for the previous one to end, then begins at
/// once. Readers are not affected (WAL). Registered for SQLite only.
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor
{
    public static readonly SqliteWriteGate Instance = new();

    /// <summary>
    /// Past this wait a transaction begins without the gate and SQLite's own busy handling takes over;
    /// a writer that nests a second write connection inside its transaction therefore waits, as
    /// before, instead of blocking forever.
    /// </summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<DbConnection, Holder> Held = new();
    private static readonly ConditionalWeakTable<DbTransaction, Holder> HeldBy = new();

    private sealed class Holder
    {
        public SemaphoreSlim? Gate;
    }

    private static SemaphoreSlim? GateOf(DbConnection connection)
    {
        var source = (connection as SqliteConnection)?.DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:") return null;
        return Gates.GetOrAdd(source, _ => new SemaphoreSlim(1, 1));
    }

    private static void Hold(DbConnection connection, SemaphoreSlim gate) => Held.GetOrCreateValue(connection).Gate = gate;

    private static void Release(DbConnection connection)
    {
        if (Held.TryGetValue(connection, out var holder)) Release(holder);
    }

    private static void Release(DbTransaction transaction)
    {
        if (HeldBy.TryGetValue(transaction, out var holder)) Release(holder);
    }

    private static void Release(Holder holder)
    {
        if (Interlocked.Exchange(ref holder.Gate, null) is { } gate) gate.Release();
    }

    private static DbTransaction Started(DbConnection connection, DbTransaction transaction)
    {
        if (Held.TryGetValue(connection, out var holder)) HeldBy.AddOrUpdate(transaction, holder);
        return transaction;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result) =>
        Started(connection, result);

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Started(connection, result));

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (GateOf(connection) is { } gate && gate.Wait(MaxWait)) Hold(connection, gate);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        if (GateOf(connection) is { } gate && await gate.WaitAsync(MaxWait, cancellationToken)) Hold(connection, gate);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction);
        return Task.CompletedTask;
    }

    /// <summary>A failure that ended the transaction ends the hold; one that left it open waits for its rollback or disposal.</summary>
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (transaction.Connection is null) Release(transaction);
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback is rolled back by SQLite; EF then closes the
    // connection it opened for it, and the hold ends there.
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }
}
