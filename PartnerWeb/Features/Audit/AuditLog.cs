using System.Text.Json;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Audit;

/// <summary>
/// Adds an audit event to the unit of work of the change it records. It never saves: the
/// caller's SaveChanges (or transaction commit) writes both or neither.
/// </summary>
public sealed class AuditLog(AppDbContext db, CurrentUser currentUser, IdGenerator ids, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public AuditEvent Record(string action, string entityType, Guid entityId, Guid? tenantId, object? data = null)
    {
        var audit = New(action, entityType, entityId, tenantId, data);
        db.AuditEvents.Add(audit);
        return audit;
    }

    /// <summary>The event, not yet added: for rows built before the write transaction that adds them.</summary>
    public AuditEvent New(string action, string entityType, Guid entityId, Guid? tenantId, object? data = null) =>
        new()
        {
            Id = ids.NewId(),
            TenantId = tenantId,
            ActorUserId = currentUser.Info?.Id,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Data = JsonSerializer.Serialize(data ?? new { }, Json),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
}
