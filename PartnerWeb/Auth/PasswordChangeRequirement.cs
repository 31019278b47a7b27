using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Auth;

/// <summary>
/// A user whose first password someone else chose (<see cref="PartnerClaims.MustChangePassword"/>) may do nothing
/// but choose their own: every policy of the app carries this requirement, and only endpoints marked
/// <see cref="AllowPendingPasswordChangeAttribute"/> (the password change itself, "who am I") let them through.
/// Anonymous endpoints (sign-in, sign-out) never ask.
/// </summary>
public sealed class PasswordChangeRequirement : AuthorizationHandler<PasswordChangeRequirement>, IAuthorizationRequirement
{
    public const string Title = "Password change required";
    public const string PagePath = "/settings/password";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PasswordChangeRequirement requirement)
    {
        var endpoint = context.Resource switch
        {
            HttpContext http => http.GetEndpoint(),
            Endpoint e => e,
            _ => null,
        };
        if (context.User.FindFirst(PartnerClaims.MustChangePassword)?.Value != "true"
            || endpoint?.Metadata.GetMetadata<AllowPendingPasswordChangeAttribute>() is not null)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>An endpoint a user who must change their password may still use.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AllowPendingPasswordChangeAttribute : Attribute;

/// <summary>
/// Says why, when the pending password change is what refused the request: the API answers 403 with the
/// title <see cref="PasswordChangeRequirement.Title"/>; a page sends the browser to the password page (htmx
/// through HX-Redirect). Every other outcome is the framework's.
/// </summary>
public sealed class PasswordChangeResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (!result.Forbidden || result.AuthorizationFailure?.FailedRequirements.OfType<PasswordChangeRequirement>().Any() != true)
        {
            await _default.HandleAsync(next, http, policy, result);
            return;
        }
        if (http.Request.IsApi())
        {
            await ErrorHandling.WriteAsync(http, StatusCodes.Status403Forbidden, PasswordChangeRequirement.Title);
            return;
        }
        if (http.Request.IsHtmx())
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            http.Response.Headers["HX-Redirect"] = PasswordChangeRequirement.PagePath;
            return;
        }
        http.Response.Redirect(PasswordChangeRequirement.PagePath);
    }
}
