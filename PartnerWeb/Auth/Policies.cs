using Microsoft.AspNetCore.Authorization;

namespace PartnerWeb.Auth;

/// <summary>Every authorization rule of the app, by name. Endpoints name one; none means signed-in.</summary>
public static class Policies
{
    /// <summary>Owner or admin of the platform tenant.</summary>
    public const string PlatformAdmin = nameof(PlatformAdmin);

    /// <summary>Owner or admin of the caller's own tenant (platform included). Staff are refused.</summary>
    public const string TenantAdmin = nameof(TenantAdmin);

    /// <summary>Platform admin signed in by cookie: the Hangfire dashboard.</summary>
    public const string HangfireDashboard = nameof(HangfireDashboard);

    public static AuthorizationBuilder AddPartnerWebPolicies(this AuthorizationBuilder builder)
    {
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, PasswordChangeResultHandler>();
        return builder
            // Closed by default: an endpoint that forgets its rule still needs a signed-in user.
            .SetFallbackPolicy(SignedIn().Build())
            .SetDefaultPolicy(SignedIn().Build())
            .AddPolicy(PlatformAdmin, p => SignedIn(p).RequireClaim(PartnerClaims.PlatformAdmin, "true"))
            .AddPolicy(TenantAdmin, p => SignedIn(p).RequireClaim(PartnerClaims.Role, "owner", "admin"))
            .AddPolicy(HangfireDashboard, p => SignedIn(p.AddAuthenticationSchemes(AuthSchemes.Cookie))
                .RequireClaim(PartnerClaims.PlatformAdmin, "true"));
    }

    /// <summary>Every policy starts here: a signed-in user with no password change pending.</summary>
    private static AuthorizationPolicyBuilder SignedIn(AuthorizationPolicyBuilder? builder = null) =>
        (builder ?? new AuthorizationPolicyBuilder()).RequireAuthenticatedUser().AddRequirements(new PasswordChangeRequirement());
}
