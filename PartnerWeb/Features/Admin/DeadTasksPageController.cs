using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Admin;

public sealed record DeadTasksModel(IReadOnlyList<DeadTaskView> Rows, string? NextCursor, string? Notice, string? Error);

/// <summary>The dead accrual tasks for platform admins, with the API's retry (same service).</summary>
[Authorize(Policies.PlatformAdmin)]
[Route("dashboard/admin/tasks")]
[OneDbConnection]
public sealed class DeadTasksPageController(DeadTaskService deadTasks) : Controller
{
    public const int PageSize = 50;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? cursor, CancellationToken ct)
    {
        var model = await ModelAsync(cursor, null, null, ct);
        return this.PageOrFragment("DeadTasks", model, "_DeadTasks", model);
    }

    [HttpPost("{taskId:guid}/retry")]
    public async Task<IActionResult> Retry(Guid taskId, CancellationToken ct)
    {
        var result = await deadTasks.RetryAsync(taskId, ct);
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Index));
        var notice = result.Value is { } task ? $"Retried: the {task.Kind.ToString().ToLowerInvariant()} task runs again." : null;
        return this.Fragment("_DeadTasks", await ModelAsync(null, notice, result.Error?.Title, ct), result.Error?.Status ?? StatusCodes.Status200OK);
    }

    private async Task<DeadTasksModel> ModelAsync(string? cursor, string? notice, string? error, CancellationToken ct)
    {
        var page = await deadTasks.ListAsync(new PageQuery { Limit = PageSize, Cursor = cursor }, ct);
        return new DeadTasksModel(await deadTasks.DescribeAsync(page.Items, ct), page.NextCursor, notice, error);
    }
}
