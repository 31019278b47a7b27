using System.Globalization;
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

    /// <summary>The user's <see cref="User.SecurityStamp"/> when the ticket was issued; see <see cref="PrincipalValidator"/>.</summary>
    public const string SecurityStamp = "stamp";

    /// <summary>When the user typed the password (Unix seconds): a refreshed cookie keeps it, so the absolute lifetime holds.</summary>
    public const string SignedInAt = "auth_time";

    /// <summary>Present ("true") while the user must choose their own password; see <see cref="PasswordChangeRequirement"/>.</summary>
    public const string MustChangePassword = "mcp";

    /// <summary>The identity both schemes (bearer token and cookie) carry.</summary>
    public static ClaimsPrincipal CreatePrincipal(UserInfo user, string securityStamp, DateTimeOffset signedInAt, string authenticationType)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(UserId, user.Id.ToString()),
            new Claim(Email, user.Email),
            new Claim(Role, user.Role.ToString().ToLowerInvariant()),
            new Claim(TenantId, user.TenantId.ToString()),
            new Claim(TenantName, user.TenantName),
            new Claim(PlatformAdmin, user.IsPlatformAdmin ? "true" : "false"),
            new Claim(SecurityStamp, securityStamp),
            new Claim(SignedInAt, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], authenticationType, Email, Role);
        if (user.MustChangePassword) identity.AddClaim(new Claim(MustChangePassword, "true"));
        return new ClaimsPrincipal(identity);
    }

    public static DateTimeOffset? SignedInAtOf(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(SignedInAt), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

/// <summary>The <c>user</c> object of the auth API. <c>mustChangePassword</c>: only <c>POST /api/auth/password</c> is open until it is done.</summary>
public sealed record UserInfo(Guid Id, string Email, UserRole Role, Guid TenantId, string TenantName, bool IsPlatformAdmin, bool MustChangePassword = false)
{
    public static bool IsAdminRole(UserRole role) => role is UserRole.Owner or UserRole.Admin;

    /// <summary>The user as a ticket carries them; <see cref="User.Tenant"/> must be loaded.</summary>
    public static UserInfo Of(User user)
    {
        var tenant = user.Tenant ?? throw new InvalidOperationException("The user's tenant is not loaded.");
        return new UserInfo(user.Id, user.Email, user.Role, tenant.Id, tenant.Name,
            tenant.IsPlatform && IsAdminRole(user.Role), user.MustChangePassword);
    }

    public static UserInfo? FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        return Guid.TryParse(principal.FindFirstValue(PartnerClaims.UserId), out var id)
            && Guid.TryParse(principal.FindFirstValue(PartnerClaims.TenantId), out var tenantId)
            && Enum.TryParse<UserRole>(principal.FindFirstValue(PartnerClaims.Role), ignoreCase: true, out var role)
            ? new UserInfo(id, principal.FindFirstValue(PartnerClaims.Email) ?? "", role, tenantId,
                principal.FindFirstValue(PartnerClaims.TenantName) ?? "",
                principal.FindFirstValue(PartnerClaims.PlatformAdmin) == "true",
                principal.FindFirstValue(PartnerClaims.MustChangePassword) == "true")
            : null;
    }
}
