using System.ComponentModel.DataAnnotations;
using System.Globalization;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Auth;

public sealed class FixedWindowSettings
{
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int WindowSeconds { get; set; } = 60;
}

public static class RateLimits
{
    /// <summary>Partner write endpoints (spec §8 ★), one window per tenant + user; see <see cref="PartnerWriteLimitAttribute"/>.</summary>
    public const string PartnerWrites = "PartnerWrites";

    /// <summary>Sign-in, one window per client IP + email; see <see cref="LoginThrottle"/>.</summary>
    public const string Login = "Login";

    /// <summary>Sign-in, one window per client IP across all emails; see <see cref="LoginThrottle"/>.</summary>
    public const string LoginPerIp = "LoginPerIp";
    /// <summary>Password changes, one window per user: the current password is checked, so guesses are counted.</summary>
    public const string PasswordChange = "PasswordChange";

    public static IServiceCollection AddPartnerWebRateLimits(this IServiceCollection services)
    {
        services.AddOptions<FixedWindowSettings>(PartnerWrites).BindConfiguration("RateLimiting:PartnerWrites").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FixedWindowSettings>(Login).BindConfiguration("RateLimiting:Login").ValidateDataAnnotations().ValidateOnStart();
        // Several people behind one address sign in too, so the default is above the per-email one.
        services.AddOptions<FixedWindowSettings>(LoginPerIp).Configure(o => o.PermitLimit = 30)
            .BindConfiguration("RateLimiting:LoginPerIp").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LockoutSettings>().BindConfiguration("Auth:Lockout").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FixedWindowSettings>(PasswordChange).BindConfiguration("RateLimiting:PasswordChange").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<FixedWindowCounter>();
        services.AddScoped<AccountLockout>();
        services.AddScoped<LoginThrottle>();
        services.AddScoped<PasswordChangeThrottle>();
        return services;
    }

    /// <summary>
    /// 429 with Retry-After: problem details on the API; for pages, the same words as a page or (htmx) a line
    /// in the page's flash area, not JSON inside the fragment (<see cref="ErrorHandling.WriteAsync"/>).
    /// </summary>
    public static async ValueTask WriteRejectionAsync(HttpContext http, int retryAfterSeconds, CancellationToken ct)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await ErrorHandling.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests.", $"Try again in {Wait(retryAfterSeconds)}.");
    }

    /// <summary>A wait as people say it: seconds up to two minutes, whole minutes (rounded up) beyond.</summary>
    public static string Wait(int seconds) => seconds switch
    {
        1 => "1 second",
        < 120 => $"{seconds} seconds",
        _ => $"{(seconds + 59) / 60} minutes",
    };
}
