using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>What a deadlock victim or a failover looks like to an execution strategy: a failure worth retrying.</summary>
public sealed class InjectedTransientException() : Exception("Injected transient failure");

/// <summary>Where an injected failure strikes a unit of work.</summary>
public enum FailAt
{
    /// <summary>When it saves its last rows: they are still pending in the change tracker, as after a deadlock in <c>SaveChanges</c>.</summary>
    Save,

    /// <summary>When it commits, after every row was written, as a dropped connection would fail it.</summary>
    Commit,

    /// <summary>Once the commit went through but before its answer came back: the caller cannot tell it committed.</summary>
    AfterCommit,
}

/// <summary>
/// Fails, once per arming, the next transaction that saves an audit event with the armed action. At
/// save or at commit nothing that attempt wrote is committed, so a retry must write it all again, and
/// only once; after commit everything is, so a retry must write nothing more.
/// </summary>
public sealed class TransientFaults : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly Lock _lock = new();
    private (string Action, FailAt At)? _armed;
    private DbContext? _victim;

    public int Failed { get; private set; }

    public void FailNext(string auditAction, FailAt at)
    {
        lock (_lock) (_armed, _victim) = ((auditAction, at), null);
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context!;
        lock (_lock)
        {
            if (_armed is not { } armed || context.Database.CurrentTransaction is null
                || !context.ChangeTracker.Entries<AuditEvent>().Any(e => e.State == EntityState.Added && e.Entity.Action == armed.Action))
                return ValueTask.FromResult(result);
            if (armed.At != FailAt.Save)
            {
                _victim = context;
                return ValueTask.FromResult(result);
            }
            Disarm();
        }
        throw new InjectedTransientException();
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        FailIfVictim(eventData.Context, FailAt.Commit);
        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        FailIfVictim(eventData.Context, FailAt.AfterCommit);
        return Task.CompletedTask;
    }

    private void FailIfVictim(DbContext? context, FailAt at)
    {
        lock (_lock)
        {
            if (_victim is null || context != _victim || _armed?.At != at) return;
            Disarm();
        }
        throw new InjectedTransientException();
    }

    private void Disarm()
    {
        (_armed, _victim) = (null, null);
        Failed++;
    }
}

/// <summary>Retries what <see cref="TransientFaults"/> injects, at once, the way <c>EnableRetryOnFailure</c> retries a transient error.</summary>
public sealed class RetryInjectedFailures(ExecutionStrategyDependencies dependencies, Action onRetry)
    : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.Zero)
{
    protected override bool ShouldRetryOn(Exception? exception) => exception is InjectedTransientException;

    protected override void OnRetry() => onRetry();
}
