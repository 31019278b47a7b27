using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;

namespace PartnerWeb.Auth;

public sealed class AuthLifetimeOptions
{
    /// <summary>Lifetime of a bearer token (<c>expiresIn</c>).</summary>
    [Range(1, 525_600)]
    public int TokenLifetimeMinutes { get; set; } = 60;

    /// <summary>Absolute lifetime of a login cookie from the moment the password was typed, however active the user.</summary>
    [Range(1, 24 * 30)]
    public int CookieMaxHours { get; set; } = 12;

    public TimeSpan TokenLifetime => TimeSpan.FromMinutes(TokenLifetimeMinutes);
    public TimeSpan CookieMaxLifetime => TimeSpan.FromHours(CookieMaxHours);
}

/// <summary>
/// Wraps a scheme's ticket format so that a ticket claiming more life than the configuration gives is refused
/// when it is read, whatever its own expiry says: one whose expiry lies further from its issue than
/// <paramref name="maxLifetime"/>, or whose sign-in is older than that. A ticket minted with a stolen key and
/// a far expiry, or a cookie kept alive by sliding renewal, stops there.
/// </summary>
public sealed class TicketLifetime(ISecureDataFormat<AuthenticationTicket> inner, TimeSpan maxLifetime, TimeProvider clock)
    : ISecureDataFormat<AuthenticationTicket>
{
    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Checked(inner.Unprotect(protectedText));

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) => Checked(inner.Unprotect(protectedText, purpose));

    private AuthenticationTicket? Checked(AuthenticationTicket? ticket)
    {
        if (ticket?.Properties is not { IssuedUtc: { } issued, ExpiresUtc: { } expires }) return null;
        if (expires - issued > maxLifetime) return null;
        var now = clock.GetUtcNow();
        return PartnerClaims.SignedInAtOf(ticket.Principal) is { } signedIn
            && signedIn - now <= ClockSkew && now - signedIn <= maxLifetime
            ? ticket
            : null;
    }

    /// <summary>How far another instance's clock may run ahead of this one's.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
}
