using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Users;

/// <summary>
/// A tenant's users: <c>/me</c> is the caller's tenant (owners and admins; staff 403), <c>/{tenantId}</c> any
/// tenant (platform admins). Both are the one <see cref="UserService"/>; its rules decide the rest.
/// </summary>
[Route("api/tenants")]
[Tags("Users")]
public sealed class UsersApiController(UserService users, CurrentUser currentUser) : ApiControllerBase
{
    private Guid Mine => currentUser.Required.TenantId;

    [HttpGet("me/users")]
    [EndpointName("Users_ListOwn")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Your tenant's users (owner/admin)")]
    public Task<ActionResult<Page<UserDto>>> ListMine([FromQuery] PageQuery page, CancellationToken ct) => ListAsync(Mine, page, ct);

    [HttpPost("me/users")]
    [EndpointName("Users_CreateOwn")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Add a user to your tenant (owner; admins add staff only)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public Task<ActionResult<UserDto>> CreateMine(CreateUserRequest request, CancellationToken ct) => CreateAsync(Mine, "me", request, ct);

    [HttpPatch("me/users/{id:guid}")]
    [EndpointName("Users_UpdateOwn")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Change a user's role (owner)")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public Task<ActionResult<UserDto>> UpdateMine(Guid id, UpdateUserRequest request, CancellationToken ct) => UpdateAsync(Mine, id, request, ct);

    [HttpDelete("me/users/{id:guid}")]
    [EndpointName("Users_DeleteOwn")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Remove a user (owner; admins remove staff only)")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public Task<ActionResult> RemoveMine(Guid id, CancellationToken ct) => RemoveAsync(Mine, id, ct);

    [HttpGet("{tenantId:guid}/users")]
    [EndpointName("Users_List")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("A tenant's users (platform admins)")]
    public Task<ActionResult<Page<UserDto>>> List(Guid tenantId, [FromQuery] PageQuery page, CancellationToken ct) => ListAsync(tenantId, page, ct);

    [HttpPost("{tenantId:guid}/users")]
    [EndpointName("Users_Create")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Add a user to a tenant (platform admins)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public Task<ActionResult<UserDto>> Create(Guid tenantId, CreateUserRequest request, CancellationToken ct) => CreateAsync(tenantId, tenantId.ToString(), request, ct);

    [HttpPatch("{tenantId:guid}/users/{id:guid}")]
    [EndpointName("Users_Update")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Change a user's role (platform admins)")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public Task<ActionResult<UserDto>> Update(Guid tenantId, Guid id, UpdateUserRequest request, CancellationToken ct) => UpdateAsync(tenantId, id, request, ct);

    [HttpDelete("{tenantId:guid}/users/{id:guid}")]
    [EndpointName("Users_Delete")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Remove a user (platform admins)")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public Task<ActionResult> Remove(Guid tenantId, Guid id, CancellationToken ct) => RemoveAsync(tenantId, id, ct);

    private async Task<ActionResult<Page<UserDto>>> ListAsync(Guid tenantId, PageQuery page, CancellationToken ct) =>
        From(await users.ListAsync(tenantId, page.ToRequest(), ct), Ok);

    private async Task<ActionResult<UserDto>> CreateAsync(Guid tenantId, string segment, CreateUserRequest request, CancellationToken ct) =>
        From(await users.CreateAsync(tenantId, request, ct), u => Created($"/api/tenants/{segment}/users/{u.Id}", u));

    private async Task<ActionResult<UserDto>> UpdateAsync(Guid tenantId, Guid id, UpdateUserRequest request, CancellationToken ct) =>
        From(await users.ChangeRoleAsync(tenantId, id, request, ct), Ok);

    private async Task<ActionResult> RemoveAsync(Guid tenantId, Guid id, CancellationToken ct) =>
        From(await users.RemoveAsync(tenantId, id, ct), _ => NoContent());
}
