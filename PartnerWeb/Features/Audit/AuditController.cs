using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
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
public sealed class AuditController(AuditQueryService audit) : ApiControllerBase
{
    /// <summary>Platform admins read every tenant's events; a tenant's owner/admin only their own.</summary>
    [HttpGet]
    [EndpointName("Audit_List")]
    [EndpointSummary("Audit events (platform admins: all; owner/admin: their tenant's)")]
    public async Task<ActionResult<Page<AuditEventDto>>> List(
        [FromQuery] string? action, [FromQuery] Guid? entityId, [FromQuery] Guid? tenantId,
        [FromQuery, System.ComponentModel.Description("The entity's type, exactly as events name it (PartnerAccount, Invoice …)")] string? entityType,
        [FromQuery] PageQuery page, CancellationToken ct) =>
        Ok(await audit.ListAsync(new AuditFilter(action, entityType, entityId, tenantId), page.ToRequest(), ct));

    [HttpGet("{id:guid}")]
    [EndpointName("Audit_Get")]
    [EndpointSummary("An audit event")]
    public async Task<ActionResult<AuditEventDto>> Get(Guid id, CancellationToken ct) => From(await audit.GetAsync(id, ct), Ok);
}
