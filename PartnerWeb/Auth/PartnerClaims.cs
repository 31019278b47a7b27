using System.Security.Claims;
using PartnerWeb.Domain;

namespace PartnerWeb.Auth;

public static class PartnerClaims
{
    public const string UserId = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string TenantId = "tid";
    public const string TenantName = "tname";
    public const string PlatformAdmin = "padmin";

    /// <summary>The identity both schemes (bearer token and cookie) carry.</summary>
    public static ClaimsPrincipal CreatePrincipal(UserInfo user, string authenticationType)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(UserId, user.Id.ToString()),
            new Claim(Email, user.Email),
            new Claim(Role, user.Role.ToString().ToLowerInvariant()),
            new Claim(TenantId, user.TenantId.ToString()),
            new Claim(TenantName, user.TenantName),
            new Claim(PlatformAdmin, user.IsPlatformAdmin ? "true" : "false"),
        ], authenticationType, Email, Role);
        return new ClaimsPrincipal(identity);
    }
}

/// <summary>The <c>user</c> object of the auth API.</summary>
public sealed record UserInfo(Guid Id, string Email, UserRole Role, Guid TenantId, string TenantName, bool IsPlatformAdmin)
{
    public static bool IsAdminRole(UserRole role) => role is UserRole.Owner or UserRole.Admin;

    public static UserInfo? FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        return Guid.TryParse(principal.FindFirstValue(PartnerClaims.UserId), out var id)
            && Guid.TryParse(principal.FindFirstValue(PartnerClaims.TenantId), out var tenantId)
            && Enum.TryParse<UserRole>(principal.FindFirstValue(PartnerClaims.Role), ignoreCase: true, out var role)
            ? new UserInfo(id, principal.FindFirstValue(PartnerClaims.Email) ?? "", role, tenantId,
                principal.FindFirstValue(PartnerClaims.TenantName) ?? "",
                principal.FindFirstValue(PartnerClaims.PlatformAdmin) == "true")
            : null;
    }
}
