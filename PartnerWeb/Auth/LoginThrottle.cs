using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Auth;

/// <summary>Why an attempt (sign-in, password change) is refused before the password is checked, and how long to wait.</summary>
public sealed record ThrottleRefusal(AppError Error, int RetryAfterSeconds);

/// <summary>
/// Sign-in attempts per client IP + lower-cased email, counted by <see cref="FixedWindowCounter"/> across every
/// instance. It runs in the actions (token API and login page) because the email is in the body. When the
/// database cannot count, the attempt is refused with 503: the throttle is what stands between a password and
/// guessing, so it stays shut rather than opening whenever the counter fails.
/// </summary>
public sealed class LoginThrottle(FixedWindowCounter counter)
{
    /// <summary>Long enough not to add load to a failing database, short enough that a person retrying barely waits.</summary>
    private const int UnavailableRetryAfterSeconds = 5;

    /// <returns>Null when the attempt may proceed.</returns>
    public async Task<ThrottleRefusal?> CheckAsync(HttpContext http, string email, CancellationToken ct) =>
        await counter.HitAsync(RateLimits.Login, $"{http.Connection.RemoteIpAddress}|{User.NormalizeEmail(email)}", ct) switch
        {
            null => new ThrottleRefusal(new AppError(StatusCodes.Status503ServiceUnavailable, "Sign-in is unavailable for a moment."), UnavailableRetryAfterSeconds),
            { Allowed: false } refused => new ThrottleRefusal(new AppError(StatusCodes.Status429TooManyRequests, "Too many login attempts."), refused.RetryAfterSeconds),
            _ => null,
        };
}
