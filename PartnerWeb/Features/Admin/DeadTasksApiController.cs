using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Admin;

[Route("api/admin/dead-tasks")]
[Authorize(Policies.PlatformAdmin)]
[Tags("Admin")]
public sealed class DeadTasksApiController(DeadTaskService deadTasks) : ApiControllerBase
{
    [HttpGet]
    [EndpointName("Admin_ListDeadTasks")]
    [EndpointSummary("Accrual tasks that failed Jobs:MaxAttempts times and wait for an admin")]
    public async Task<ActionResult<Page<DeadTaskDto>>> List([FromQuery] PageQuery page, CancellationToken ct) =>
        Ok(await deadTasks.ListAsync(page, ct));

    [HttpPost("{taskId:guid}/retry")]
    [EndpointName("Admin_RetryDeadTask")]
    [EndpointSummary("Retry a dead accrual task (its attempts start again from zero)")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<DeadTaskDto>> Retry(Guid taskId, CancellationToken ct) =>
        From(await deadTasks.RetryAsync(taskId, ct), Ok);
}
