using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace PartnerWeb.Data;

/// <summary>
/// SQLite allows one writer per database file. Microsoft.Data.Sqlite begins transactions with
/// <c>BEGIN IMMEDIATE</c> and, when another connection holds the write lock, sleeps 150 ms before
/// trying again, so a handful of concurrent writers turn sub-millisecond transactions into
/// 150 ms waits. This interceptor queues writers of one file in the process instead: a transaction
/// waits (asynchronously, first come first served) for the previous one to end, then begins at
/// once. Readers are not affected (WAL). Registered for SQLite only. The hold is kept on the
/// <see cref="AppDbContext"/> that began the transaction, so no per-transaction bookkeeping is allocated.
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

    /// <summary>
    /// Runs a one-statement write so that it queues at the gate: on SQLite in a transaction of its own, since
    /// outside one it would meet the other writers' lock and sleep 150 ms (or make them sleep). Server
    /// databases run the statement as it is, which also keeps it safe under a retrying execution strategy.
    /// </summary>
    public static async Task<T> QueuedAsync<T>(DatabaseFacade database, Func<Task<T>> write, CancellationToken ct)
    {
        if (!database.IsSqlite()) return await write();
        // Inside the execution strategy, as every transaction must be once a strategy retries.
        return await database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await database.BeginTransactionAsync(ct);
            var result = await write();
            await transaction.CommitAsync(ct);
            return result;
        }, ct);
    }

    /// <summary>
    /// Holds the gate of a database file (<see cref="SqliteConnection.DataSource"/> of an open connection) for work
    /// that must fall between write transactions, such as a truncating checkpoint. Null when the gate was not free
    /// within <paramref name="timeout"/>; disposing the hold releases it.
    /// </summary>
    internal static async Task<IDisposable?> HoldAsync(string dataSource, TimeSpan timeout, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(dataSource, _ => new SemaphoreSlim(1, 1));
        return await gate.WaitAsync(timeout, ct) ? new Hold(gate) : null;
    }

    private sealed class Hold(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

    /// <summary>The gate to take, or null when this context already holds one or the database is in memory.</summary>
    private static SemaphoreSlim? GateFor(DbConnection connection, DbContext? context)
    {
        if (context is not AppDbContext { HeldWriteGate: null }) return null;
        var source = (connection as SqliteConnection)?.DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:") return null;
        return Gates.GetOrAdd(source, _ => new SemaphoreSlim(1, 1));
    }

    private static void Release(DbContext? context)
    {
        if (context is AppDbContext app && Interlocked.Exchange(ref app.HeldWriteGate, null) is { } gate) gate.Release();
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (GateFor(connection, eventData.Context) is { } gate && gate.Wait(MaxWait)) ((AppDbContext)eventData.Context!).HeldWriteGate = gate;
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        if (GateFor(connection, eventData.Context) is { } gate && await gate.WaitAsync(MaxWait, cancellationToken))
            ((AppDbContext)eventData.Context!).HeldWriteGate = gate;
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>A failure that ended the transaction ends the hold; one that left it open waits for its rollback or disposal.</summary>
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (transaction.Connection is null) Release(eventData.Context);
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
        Release(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }
}
