using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Auth;

public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn, UserInfo User);

/// <summary>Credential checks and token issue, shared by the token API and the login page.</summary>
public sealed class AuthService(
    AppDbContext db,
    IPasswordHasher<User> hasher,
    IOptionsMonitor<BearerTokenOptions> bearerOptions,
    TimeProvider clock)
{
    // Verified against when the email is unknown, so both failures cost the same time.
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<User>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<UserInfo?> VerifyAsync(string email, string password, CancellationToken ct)
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
        return UserInfo.Of(user);
    }

    /// <summary>A data-protected bearer token; the key ring lives in the database, so it survives restarts.</summary>
    public TokenResponse IssueToken(UserInfo user)
    {
        var options = bearerOptions.Get(AuthSchemes.Bearer);
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.BearerTokenExpiration };
        var principal = PartnerClaims.CreatePrincipal(user, AuthSchemes.Bearer);
        var token = options.BearerTokenProtector.Protect(
            new AuthenticationTicket(principal, properties, $"{AuthSchemes.Bearer}:AccessToken"));
        return new TokenResponse(token, "Bearer", (long)options.BearerTokenExpiration.TotalSeconds, user);
    }
}
