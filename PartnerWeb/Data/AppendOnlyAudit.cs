using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PartnerWeb.Domain;

namespace PartnerWeb.Data;

/// <summary>
/// The audit log is append-only. Tracked changes that modify or delete an audit event, and any
/// UPDATE or DELETE statement on the AuditEvents table (ExecuteUpdate/ExecuteDelete, raw SQL), are
/// refused before they reach the database.
/// </summary>
public sealed partial class AppendOnlyAudit : DbCommandInterceptor, ISaveChangesInterceptor
{
    public static readonly AppendOnlyAudit Instance = new();

    [GeneratedRegex("""^\s*(UPDATE|DELETE)\b.*?(?<!\w)[\["`]?AuditEvents(?!\w)""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ChangesAudit();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbContext? context)
    {
        if (context is null) return;
        foreach (var entry in context.ChangeTracker.Entries<AuditEvent>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
                throw new InvalidOperationException($"Audit events are append-only; event {entry.Entity.Id} may not be {entry.State.ToString().ToLowerInvariant()}.");
        }
    }

    private static void Check(DbCommand command)
    {
        if (ChangesAudit().IsMatch(command.CommandText))
            throw new InvalidOperationException("Audit events are append-only; UPDATE and DELETE on AuditEvents are refused.");
    }
}
