using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Features.Auth;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Users;

/// <summary>
/// /settings/password: every signed-in user, and the one page open to a user who must choose their own password.
/// After a change the cookie is issued again (the old one carries the old stamp), so the user stays signed in.
/// </summary>
[Authorize]
[AllowPendingPasswordChange]
[Route("settings/password")]
public sealed class PasswordPageController(PasswordService passwords, AuthService auth, CurrentUser currentUser) : Controller
{
    [HttpGet("")]
    public IActionResult Index(bool changed) =>
        View("Password", new PasswordPageModel(currentUser.Required.MustChangePassword, FormErrors.None, changed));

    [HttpPost("")]
    public async Task<IActionResult> Change(PasswordForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return Answer(FormErrors.From(ModelState), StatusCodes.Status400BadRequest);
        var (result, refusal) = await passwords.ChangeAsync(form.CurrentPassword!, form.NewPassword!, ct);
        if (refusal is not null)
        {
            refusal.WriteHeaders(Response);
            return Answer(new FormErrors(refusal.Message, new Dictionary<string, string[]>()), refusal.Error.Status);
        }
        if (result.Value is not { } user) return Answer(FormErrors.From(result.Error!), result.Error!.Status);

        await HttpContext.SignInAsync(AuthSchemes.Cookie, auth.PrincipalFor(user, AuthSchemes.Cookie));
        return Request.IsHtmx()
            ? this.Fragment("_Password", new PasswordPageModel(false, FormErrors.None, Changed: true))
            : RedirectToAction(nameof(Index), new { changed = true });
    }

    private IActionResult Answer(FormErrors errors, int status)
    {
        var model = new PasswordPageModel(currentUser.Required.MustChangePassword, errors, Changed: false);
        if (Request.IsHtmx()) return this.Fragment("_Password", model, status);
        Response.StatusCode = status;
        return View("Password", model);
    }
}
