using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;

namespace PartnerWeb.Auth;

/// <summary>
/// Whether a ticket, token or cookie, still matches the user as the database has it now: the user exists, in
/// that tenant, with that role, platform-admin flag and pending password change, and the ticket carries the current security stamp.
/// One primary-key read per request and no cache, so a revocation holds on the very next request on every
/// instance.
/// </summary>
public sealed class PrincipalValidator(AppDbContext db)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var claimed = UserInfo.FromPrincipal(principal);
        var stamp = principal.FindFirstValue(PartnerClaims.SecurityStamp);
        if (claimed is null || string.IsNullOrEmpty(stamp)) return false;
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == claimed.Id)
            .Select(u => new { u.SecurityStamp, u.TenantId, u.Role, u.MustChangePassword, u.Tenant!.IsPlatform })
            .SingleOrDefaultAsync(ct);
        return user is not null
            && user.SecurityStamp == stamp
            && user.TenantId == claimed.TenantId
            && principal.FindFirstValue(PartnerClaims.Role) == user.Role.ToString().ToLowerInvariant()
            && claimed.IsPlatformAdmin == (user.IsPlatform && UserInfo.IsAdminRole(user.Role))
            && claimed.MustChangePassword == user.MustChangePassword;
    }

    /// <summary>The cookie's hook: a stale cookie is refused and deleted, so the page sends the visitor to sign in.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var validator = context.HttpContext.RequestServices.GetRequiredService<PrincipalValidator>();
        if (context.Principal is { } principal && await validator.IsCurrentAsync(principal, context.HttpContext.RequestAborted)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
    }
}

/// <summary>
/// The API's scheme: <see cref="AuthSchemes.BearerToken"/> reads the token, then <see cref="PrincipalValidator"/>
/// checks it against the database; a stale token fails authentication, so the API answers 401. The bearer
/// handler has no validation event of its own, hence this thin wrapper.
/// </summary>
public sealed class CheckedBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PrincipalValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var result = await Context.AuthenticateAsync(AuthSchemes.BearerToken);
        if (!result.Succeeded) return result;
        return await validator.IsCurrentAsync(result.Principal, Context.RequestAborted)
            ? AuthenticateResult.Success(new AuthenticationTicket(result.Principal, result.Properties, Scheme.Name))
            : AuthenticateResult.Fail("The token was revoked or no longer matches its user.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.ChallengeAsync(AuthSchemes.BearerToken, properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.ForbidAsync(AuthSchemes.BearerToken, properties);
}
