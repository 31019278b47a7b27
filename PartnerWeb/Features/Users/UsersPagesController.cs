using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Domain;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Users;

/// <summary>
/// /settings/users: the caller's tenant's users (owners and admins). Every action is the service the API uses;
/// htmx swaps the section, a plain post comes back to the page.
/// </summary>
[Authorize(Policies.TenantAdmin)]
[Route("settings/users")]
public sealed class UsersPagesController(UserService users, CurrentUser currentUser) : Controller
{
    private Guid Mine => currentUser.Required.TenantId;

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        var model = await ModelAsync(new AddUserForm(), FormErrors.None, null, ct);
        return this.PageOrFragment("Users", model, "_Users", model);
    }

    [HttpPost("")]
    public async Task<IActionResult> Add(AddUserForm form, CancellationToken ct)
    {
        var password = form.Password;
        form.Password = null; // never sent back to the browser
        if (!ModelState.IsValid) return await SectionAsync(form, FormErrors.From(ModelState), null, StatusCodes.Status400BadRequest, ct);
        var created = await users.CreateAsync(Mine, new CreateUserRequest { Email = form.Email, Role = form.Role, Password = password }, ct);
        return created.Value is { } user
            ? await SectionAsync(new AddUserForm(), FormErrors.None, $"{user.Email} was added; they choose their own password when they first sign in.", StatusCodes.Status200OK, ct)
            : await SectionAsync(form, FormErrors.From(created.Error!), null, created.Error!.Status, ct);
    }

    [HttpPost("{id:guid}/role")]
    public async Task<IActionResult> ChangeRole(Guid id, UserRole? role, CancellationToken ct)
    {
        if (role is null) return await SectionAsync(new AddUserForm(), new FormErrors("Choose a role.", new Dictionary<string, string[]>()), null, StatusCodes.Status400BadRequest, ct);
        var changed = await users.ChangeRoleAsync(Mine, id, new UpdateUserRequest { Role = role }, ct);
        return await OutcomeAsync(changed, u => $"{u.Email} is now {u.Role.ToString().ToLowerInvariant()}.", ct);
    }

    [HttpPost("{id:guid}/remove")]
    public async Task<IActionResult> Remove(Guid id, CancellationToken ct) =>
        await OutcomeAsync(await users.RemoveAsync(Mine, id, ct), u => $"{u.Email} was removed.", ct);

    private Task<IActionResult> OutcomeAsync(Result<UserDto> result, Func<UserDto, string> done, CancellationToken ct) =>
        result.Value is { } user
            ? SectionAsync(new AddUserForm(), FormErrors.None, done(user), StatusCodes.Status200OK, ct)
            : SectionAsync(new AddUserForm(), new FormErrors(result.Error!.Title, new Dictionary<string, string[]>()), null, result.Error.Status, ct);

    private async Task<IActionResult> SectionAsync(AddUserForm form, FormErrors errors, string? message, int status, CancellationToken ct)
    {
        if (!Request.IsHtmx() && status < 400) return RedirectToAction(nameof(Index));
        var model = await ModelAsync(form, errors, message, ct);
        if (Request.IsHtmx()) return this.Fragment("_Users", model, status);
        Response.StatusCode = status;
        return View("Users", model);
    }

    private async Task<UsersModel> ModelAsync(AddUserForm form, FormErrors errors, string? message, CancellationToken ct)
    {
        var page = (await users.ListAsync(Mine, new PageRequest(PageQuery.MaxLimit, null), ct)).Value!;
        var assignable = Enum.GetValues<UserRole>().Where(r => users.MayHandle(Mine, r)).ToList();
        var me = currentUser.Required.Id;
        var rows = page.Items.Select(u =>
        {
            var mayHandle = users.MayHandle(Mine, u.Role);
            return new UserRowModel(u, u.Id == me, mayHandle ? assignable : [], mayHandle && u.Id != me);
        }).ToList();
        return new UsersModel(rows, page.HasMore, assignable, form, errors, message);
    }
}
