using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;

namespace PartnerWeb.Features.Auth;

public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn, UserInfo User);

/// <summary>A user whose password was just checked, with the stamp their ticket will carry.</summary>
public sealed record VerifiedUser(UserInfo Info, string SecurityStamp);

/// <summary>Credential checks, tickets and sign-out, shared by the token API and the login page.</summary>
public sealed class AuthService(
    AppDbContext db,
    IPasswordHasher<User> hasher,
    IOptionsMonitor<BearerTokenOptions> bearerOptions,
    AuditLog audit,
    TimeProvider clock)
{
    // Verified against when the email is unknown, so both failures cost the same time.
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<User>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<VerifiedUser?> VerifyAsync(string email, string password, CancellationToken ct)
    {
        var normalized = User.NormalizeEmail(email);
        var user = await db.Users.AsNoTracking().Include(u => u.Tenant)
            .SingleOrDefaultAsync(u => u.Email == normalized, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, UnknownUserHash.Value, password);
            return null;
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed) return null;
        return new VerifiedUser(UserInfo.Of(user), user.SecurityStamp);
    }

    /// <summary>The principal of a fresh sign-in, for either scheme.</summary>
    public ClaimsPrincipal PrincipalFor(VerifiedUser user, string scheme) =>
        PartnerClaims.CreatePrincipal(user.Info, user.SecurityStamp, clock.GetUtcNow(), scheme);

    /// <summary>A data-protected bearer token; the key ring lives in the database, so it survives restarts.</summary>
    public TokenResponse IssueToken(VerifiedUser user)
    {
        var options = bearerOptions.Get(AuthSchemes.BearerToken);
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.BearerTokenExpiration };
        var token = options.BearerTokenProtector.Protect(
            new AuthenticationTicket(PrincipalFor(user, AuthSchemes.Bearer), properties, $"{AuthSchemes.BearerToken}:AccessToken"));
        return new TokenResponse(token, "Bearer", (long)options.BearerTokenExpiration.TotalSeconds, user.Info);
    }

    /// <summary>
    /// Ends every session of the user: each token and cookie issued so far carries the old stamp, which
    /// <see cref="PrincipalValidator"/> refuses from the next request on.
    /// </summary>
    public async Task SignOutEverywhereAsync(UserInfo user, CancellationToken ct)
    {
        var row = await db.Users.SingleOrDefaultAsync(u => u.Id == user.Id, ct);
        if (row is null) return;
        row.RotateSecurityStamp();
        audit.Record(AuditActions.UserSignedOut, nameof(User), row.Id, row.TenantId);
        await db.SaveChangesAsync(ct);
    }
}
