using System.ComponentModel.DataAnnotations;
using System.Globalization;

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

    public static async ValueTask WriteRejectionAsync(HttpContext http, int retryAfterSeconds, CancellationToken ct)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Try again in {retryAfterSeconds} seconds.",
            },
        });
    }
}
