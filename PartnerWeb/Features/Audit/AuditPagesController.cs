using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Features.Admin;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Audit;

/// <summary>The audit log for platform admins (spec §12, pages), read through the service the API uses.</summary>
[Authorize(Policies.PlatformAdmin)]
[Route("dashboard/admin/audit")]
[OneDbConnection]
public sealed class AuditPagesController(AuditQueryService audit, TenantDirectory directory, DeadTaskService deadTasks) : Controller
{
    public const int PageSize = 50;

    /// <summary>The page; for htmx the table (a filter) or the next rows (a cursor, "Load more").</summary>
    [HttpGet("")]
    /// <param name="auditAction">Read from the query's <c>action</c> (MVC's own route value has that name).</param>
    public async Task<IActionResult> Index(
        [FromQuery(Name = "action")] string? auditAction, string? entityType, string? entityId, string? tenantId, string? cursor, CancellationToken ct)
    {
        var (filter, form) = new AuditFilterForm(auditAction, entityType, entityId, tenantId).Parse();
        var page = new PageQuery { Limit = PageSize, Cursor = cursor }.ToRequest();
        var rows = filter is null ? new AuditRowsModel([], null) : await RowsAsync(filter, form, page, ct);
        if (Request.IsHtmx() && cursor is not null) return this.Fragment("_AuditRows", rows);
        var model = new AuditPageModel(form, await directory.TenantsAsync(ct), rows, await deadTasks.AnyAsync(ct));
        if (filter is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return this.PageOrFragment("AdminAudit", model, "_Audit", model);
    }

    private async Task<AuditRowsModel> RowsAsync(AuditFilter filter, AuditFilterForm form, PageRequest page, CancellationToken ct)
    {
        var events = await audit.ListAsync(filter, page, ct);
        var tenants = await directory.TenantNamesAsync(events.Items.Select(e => e.TenantId), ct);
        var actors = await directory.UserEmailsAsync(events.Items.Select(e => e.ActorUserId), ct);
        var rows = events.Items.Select(e => new AuditRowView(e,
            e.TenantId is { } t ? tenants.GetValueOrDefault(t) : null,
            e.ActorUserId is { } u ? actors.GetValueOrDefault(u) : null,
            AuditRowView.Summarize(e.Data))).ToList();
        return new AuditRowsModel(rows, events.NextCursor is { } next ? $"/dashboard/admin/audit?{form.Query(next)}" : null);
    }
}
