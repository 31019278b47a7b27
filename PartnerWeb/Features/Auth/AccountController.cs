using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;

namespace PartnerWeb.Features.Auth;

public sealed class LoginForm
{
    [Required, EmailAddress, StringLength(254)]
    public string Email { get; set; } = "";

    [Required, StringLength(200), DataType(DataType.Password)]
    public string Password { get; set; } = "";

    public string? ReturnUrl { get; set; }
}

/// <summary>Cookie sign-in for the pages. The same credential check and throttle as the token API.</summary>
public sealed class AccountController(AuthService auth, LoginThrottle throttle, CurrentUser currentUser) : Controller
{
    [HttpGet("/login")]
    [AllowAnonymous]
    public IActionResult Login(string? returnUrl) => View(new LoginForm { ReturnUrl = returnUrl });

    [HttpPost("/login")]
    [AllowAnonymous]
    public async Task<IActionResult> Login(LoginForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return View(form);
        var (user, refusal) = await throttle.SignInAsync(HttpContext.Connection.RemoteIpAddress, form.Email,
            () => auth.VerifyAsync(form.Email, form.Password, ct), ct);
        if (refusal is not null)
        {
            // A wrong password re-shows the form as before; a throttled attempt answers 429/503 like the API.
            if (refusal.RetryAfterSeconds is not null) refusal.WriteHeaders(Response);
            ModelState.AddModelError("", refusal.Message);
            return View(form);
        }
        await HttpContext.SignInAsync(AuthSchemes.Cookie, auth.PrincipalFor(user!, AuthSchemes.Cookie));
        return LocalRedirect(Url.IsLocalUrl(form.ReturnUrl) ? form.ReturnUrl : "/");
    }

    [HttpGet("/logout")]
    [AllowAnonymous]
    public IActionResult Logout() => View();

    /// <summary>Deleting the cookie is not enough (a copy of it would still work): the user's stamp changes too.</summary>
    [HttpPost("/logout")]
    [AllowAnonymous]
    public async Task<IActionResult> LogoutPost(CancellationToken ct)
    {
        if (currentUser.Info is { } user) await auth.SignOutEverywhereAsync(user, ct);
        await HttpContext.SignOutAsync(AuthSchemes.Cookie);
        return Redirect("/login");
    }
}
