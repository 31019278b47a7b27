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
        if (await throttle.CheckAsync(HttpContext, form.Email, ct) is { } refusal)
        {
            Response.StatusCode = refusal.Error.Status;
            ModelState.AddModelError("", $"{refusal.Error.Title} Try again in {refusal.RetryAfterSeconds} seconds.");
            return View(form);
        }
        var user = await auth.VerifyAsync(form.Email, form.Password, ct);
        if (user is null)
        {
            ModelState.AddModelError("", "Invalid email or password.");
            return View(form);
        }
        await HttpContext.SignInAsync(AuthSchemes.Cookie, auth.PrincipalFor(user, AuthSchemes.Cookie));
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
