using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Audit;

/// <summary>What to narrow the audit list to; each filter is optional and they combine.</summary>
public sealed record AuditFilter(string? Action = null, string? EntityType = null, Guid? EntityId = null, Guid? TenantId = null)
{
    /// <summary>Actions are upper-case constants; an entity type is the entity's class name, matched exactly.</summary>
    public AuditFilter Normalized() => new(
        string.IsNullOrWhiteSpace(Action) ? null : Action.Trim().ToUpperInvariant(),
        string.IsNullOrWhiteSpace(EntityType) ? null : EntityType.Trim(),
        EntityId, TenantId);
}

/// <summary>
/// The one read of the audit log, for the API and the operator page: platform admins read every tenant's
/// events, a tenant's owner/admin only their own (filtered in SQL, so another tenant's event is not found).
/// </summary>
public sealed class AuditQueryService(AppDbContext db, CurrentUser currentUser, TimeProvider clock)
{
    public Task<Page<AuditEventDto>> ListAsync(AuditFilter filter, PageRequest page, CancellationToken ct)
    {
        var f = filter.Normalized();
        var query = Visible();
        if (f.TenantId is { } tenantId) query = query.Where(a => a.TenantId == tenantId);
        if (f.Action is { } action) query = query.Where(a => a.Action == action);
        if (f.EntityType is { } entityType) query = query.Where(a => a.EntityType == entityType);
        if (f.EntityId is { } entityId) query = query.Where(a => a.EntityId == entityId);
        return query.ToPageAsync(page, AuditEventDto.From, ct);
    }

    public async Task<Result<AuditEventDto>> GetAsync(Guid id, CancellationToken ct) =>
        await Visible().FirstOrDefaultAsync(a => a.Id == id, ct) is { } e ? AuditEventDto.From(e) : AppError.NotFound("Audit event");

    /// <summary>How many partners the ledger check found out of step in the last week: the operator's alert.</summary>
    public Task<int> RecentLedgerMismatchesAsync(CancellationToken ct)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-7);
        return Visible().Where(a => a.Action == AuditActions.LedgerMismatch && a.CreatedAt >= since).Select(a => a.EntityId).Distinct().CountAsync(ct);
    }

    private IQueryable<AuditEvent> Visible()
    {
        var user = currentUser.Required;
        var events = db.AuditEvents.AsNoTracking();
        return user.IsPlatformAdmin ? events : events.Where(a => a.TenantId == user.TenantId);
    }
}
