using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Audit;

public sealed record AuditEventDto(
    Guid Id, Guid? TenantId, Guid? ActorUserId, string Action, string EntityType, Guid EntityId,
    JsonElement Data, DateTime CreatedAt)
{
    public static AuditEventDto From(AuditEvent e) => new(
        e.Id, e.TenantId, e.ActorUserId, e.Action, e.EntityType, e.EntityId,
        JsonDocument.Parse(e.Data).RootElement.Clone(), e.CreatedAt);
}

[Route("api/audit")]
[Authorize(Policies.TenantAdmin)]
[Tags("Audit")]
public sealed class AuditController(AppDbContext db, CurrentUser currentUser) : ApiControllerBase
{
    /// <summary>Platform admins read every tenant's events; a tenant's owner/admin only their own.</summary>
    [HttpGet]
    [EndpointSummary("Audit events (platform admins: all; owner/admin: their tenant's)")]
    public async Task<ActionResult<Page<AuditEventDto>>> List(
        [FromQuery] string? action, [FromQuery] Guid? entityId, [FromQuery] Guid? tenantId,
        [FromQuery] PageQuery page, CancellationToken ct)
    {
        var query = Visible();
        if (tenantId is { } t) query = query.Where(a => a.TenantId == t);
        if (!string.IsNullOrWhiteSpace(action)) query = query.Where(a => a.Action == action.Trim().ToUpperInvariant());
        if (entityId is { } id) query = query.Where(a => a.EntityId == id);

        return Ok(await query.ToPageAsync(page.ToRequest(), AuditEventDto.From, ct));
    }

    [HttpGet("{id:guid}")]
    [EndpointSummary("An audit event")]
    public async Task<ActionResult<AuditEventDto>> Get(Guid id, CancellationToken ct) =>
        await Visible().FirstOrDefaultAsync(a => a.Id == id, ct) is { } e
            ? Ok(AuditEventDto.From(e))
            : Problem(AppError.NotFound("Audit event"));

    /// <summary>Another tenant's events are filtered out in SQL, so they are simply not found.</summary>
    private IQueryable<AuditEvent> Visible()
    {
        var user = currentUser.Required;
        return user.IsPlatformAdmin ? db.AuditEvents : db.AuditEvents.Where(a => a.TenantId == user.TenantId);
    }
}
