using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Auth;

/// <summary>Why an attempt (sign-in, password change) was refused, and the whole seconds to wait when waiting helps.</summary>
public sealed record ThrottleRefusal(AppError Error, int? RetryAfterSeconds)
{
    /// <summary>What the login page shows; the API answers the title as problem details with the same header.</summary>
    public string Message => RetryAfterSeconds is { } seconds ? $"{Error.Title} Try again in {seconds} seconds." : Error.Title;

    public void WriteHeaders(HttpResponse response)
    {
        response.StatusCode = Error.Status;
        if (RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Long enough not to add load to a failing database, short enough that a person retrying barely waits.</summary>
    private const int UnavailableRetryAfterSeconds = 5;

    public static ThrottleRefusal Unavailable(string title) =>
        new(new AppError(StatusCodes.Status503ServiceUnavailable, title), UnavailableRetryAfterSeconds);

    public static ThrottleRefusal TooMany(string title, int retryAfterSeconds) =>
        new(new AppError(StatusCodes.Status429TooManyRequests, title), retryAfterSeconds);

    /// <summary>
    /// A counter's decision as a refusal: none when allowed; 503 when the database could not count, because
    /// these limits guard passwords and stay shut rather than open.
    /// </summary>
    public static ThrottleRefusal? Of(RateLimitDecision? decision, string unavailableTitle, string tooManyTitle) => decision switch
    {
        null => Unavailable(unavailableTitle),
        { Allowed: false } refused => TooMany(tooManyTitle, refused.RetryAfterSeconds),
        _ => null,
    };
}

/// <summary>The verified user, or why not.</summary>
public sealed record LoginOutcome<TUser>(TUser? User, ThrottleRefusal? Refusal) where TUser : class;

/// <summary>
/// Every sign-in (token API and login page) passes three limits before its password is checked: attempts
/// per client IP across all emails (<c>RateLimiting:LoginPerIp</c>) and per client IP + email
/// (<c>RateLimiting:Login</c>), both counted by <see cref="FixedWindowCounter"/>, and the email's backoff and
/// lockout (<see cref="AccountLockout"/>). All of it is counted in the database, so it holds across instances.
/// A refusal reads the same for every email, known or not. When the database cannot count, the attempt is
/// refused with 503: the throttle is what stands between a password and guessing, so it stays shut rather
/// than opening whenever the counter fails.
/// </summary>
public sealed class LoginThrottle(FixedWindowCounter counter, AccountLockout lockout, ILogger<LoginThrottle> logger)
{
    private const string UnavailableTitle = "Sign-in is unavailable for a moment.";
    private const string TooManyTitle = "Too many login attempts.";

    private static readonly ThrottleRefusal Unavailable = ThrottleRefusal.Unavailable(UnavailableTitle);

    private static readonly ThrottleRefusal Invalid = new(new AppError(StatusCodes.Status401Unauthorized, "Invalid email or password."), null);

    private static ThrottleRefusal TooMany(int retryAfterSeconds) => ThrottleRefusal.TooMany(TooManyTitle, retryAfterSeconds);

    /// <param name="verify">The password check, run only when every limit lets the attempt through; null when it fails.</param>
    public async Task<LoginOutcome<TUser>> SignInAsync<TUser>(IPAddress? clientIp, string email, Func<Task<TUser?>> verify, CancellationToken ct)
        where TUser : class
    {
        var client = ClientKey(clientIp);
        var limited = await LimitAsync(RateLimits.LoginPerIp, client, ct)
            ?? await LimitAsync(RateLimits.Login, $"{client}|{User.NormalizeEmail(email)}", ct);
        if (limited is not null) return new LoginOutcome<TUser>(null, limited);

        AccountLockout.Claim? claim;
        int retryAfter;
        try
        {
            (claim, retryAfter) = await lockout.ClaimAsync(email, ct);
        }
        catch (Exception ex) when (ex is DbException or RetryLimitExceededException)
        {
            logger.LogWarning(ex, "The login lockout could not count an attempt");
            return new LoginOutcome<TUser>(null, Unavailable);
        }
        if (claim is not { } claimed) return new LoginOutcome<TUser>(null, TooMany(retryAfter));

        var user = await verify();
        if (user is null) return new LoginOutcome<TUser>(null, Invalid);
        try
        {
            await lockout.ReleaseAsync(claimed, ct);
        }
        catch (Exception ex) when (ex is DbException or RetryLimitExceededException)
        {
            // The password was right; the failures it leaves counted expire on their own.
            logger.LogWarning(ex, "The login lockout could not forget an email's failures after a sign-in");
        }
        return new LoginOutcome<TUser>(user, null);
    }

    private async Task<ThrottleRefusal?> LimitAsync(string policy, string partition, CancellationToken ct) =>
        ThrottleRefusal.Of(await counter.HitAsync(policy, partition, ct), UnavailableTitle, TooManyTitle);

    /// <summary>
    /// The client as the limits count it: an IPv6 client by its /64, the block one subscriber is usually
    /// given, so walking through its addresses does not buy fresh budgets; an IPv4-mapped address as IPv4.
    /// </summary>
    internal static string ClientKey(IPAddress? ip)
    {
        if (ip is null) return "";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
