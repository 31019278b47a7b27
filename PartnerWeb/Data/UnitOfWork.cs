using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerWeb.Data;

/// <summary>
/// The one way a write that must be all-or-nothing runs: inside the provider's execution strategy,
/// one transaction per attempt, saved and committed when the body returns. A strategy that retries
/// transient failures (a deadlock victim, a failover) re-runs the whole body, so the body reads what
/// it decides on and adds every row itself; each attempt starts from an empty change tracker, so a
/// retried attempt writes exactly what a first attempt would. Work that must follow the commit (handing
/// jobs to Hangfire) is registered with <see cref="AfterCommit"/> and runs once, after the attempt
/// that committed.
/// </summary>
public sealed class UnitOfWork
{
    private bool _discard;
    private Action? _afterCommit;

    private UnitOfWork() { }

    /// <summary>Rolls this attempt back instead of committing it (a refusal or a duplicate writes nothing) and answers <paramref name="answer"/>.</summary>
    public T Discard<T>(T answer)
    {
        _discard = true;
        return answer;
    }

    public void AfterCommit(Action action) => _afterCommit += action;

    public static async Task<T> RunAsync<T>(AppDbContext db, Func<UnitOfWork, CancellationToken, Task<T>> body, CancellationToken ct)
    {
        UnitOfWork? committed = null;
        var answer = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            var work = new UnitOfWork();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var answer = await body(work, ct);
                if (work._discard)
                {
                    await tx.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    return answer;
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                committed = work;
                return answer;
            }
            catch
            {
                await RollBackQuietlyAsync(tx);
                throw;
            }
        }, ct);
        committed?._afterCommit?.Invoke();
        return answer;
    }

    /// <summary>
    /// Runs the unit of work again, from a fresh read, when it lost to a concurrent writer (a unique key or
    /// a concurrency token refused its save), at most <paramref name="rounds"/> times in all; the last loss is thrown.
    /// </summary>
    public static async Task<T> RunInRoundsAsync<T>(AppDbContext db, int rounds, Func<UnitOfWork, CancellationToken, Task<T>> body, CancellationToken ct)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                return await RunAsync(db, body, ct);
            }
            catch (DbUpdateException) when (round < rounds)
            {
                // The writer that won committed; the next round reads what it wrote.
            }
        }
    }

    /// <summary>
    /// An explicit rollback ends the SQLite write gate's hold at once, even on a connection the caller
    /// keeps open. A connection that broke cannot roll back; its transaction is gone with it, and the
    /// failure that matters is the one being rethrown.
    /// </summary>
    private static async Task RollBackQuietlyAsync(IDbContextTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Deliberately empty: reporting this would hide the failure the caller rethrows.
        }
    }
}
