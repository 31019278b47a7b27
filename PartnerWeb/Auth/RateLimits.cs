using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PartnerWeb.Auth;

public sealed class FixedWindowSettings
{
    public int PermitLimit { get; set; } = 10;
    public int WindowSeconds { get; set; } = 60;

    public FixedWindowRateLimiterOptions ToLimiterOptions() => new()
    {
        PermitLimit = PermitLimit,
        Window = TimeSpan.FromSeconds(WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

public static class RateLimits
{
    /// <summary>Partner write endpoints (spec §8 ★), one window per tenant + user.</summary>
    public const string PartnerWrites = "PartnerWrites";

    public const string Login = "Login";

    public static IServiceCollection AddPartnerWebRateLimits(this IServiceCollection services)
    {
        services.AddOptions<FixedWindowSettings>(PartnerWrites).BindConfiguration("RateLimiting:PartnerWrites");
        services.AddOptions<FixedWindowSettings>(Login).BindConfiguration("RateLimiting:Login");
        services.AddSingleton<LoginThrottle>();
        services.AddRateLimiter(options =>
        {
            options.OnRejected = (context, ct) => WriteRejectionAsync(context.HttpContext, RetryAfterSeconds(context.Lease), ct);
            options.AddPolicy(PartnerWrites, http =>
            {
                var user = UserInfo.FromPrincipal(http.User);
                var key = user is null ? "anonymous" : $"{user.TenantId:N}:{user.Id:N}";
                var settings = http.RequestServices.GetRequiredService<IOptionsMonitor<FixedWindowSettings>>().Get(PartnerWrites);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => settings.ToLimiterOptions());
            });
        });
        return services;
    }

    /// <summary>Whole seconds, rounded up, never below one: clients wait at least that long.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;

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

/// <summary>
/// Login attempts per client IP + email. It lives outside the rate-limiter middleware because
/// the email is in the body, which is only known once the request is bound.
/// </summary>
public sealed class LoginThrottle(IOptionsMonitor<FixedWindowSettings> settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => settings.Get(RateLimits.Login).ToLimiterOptions()));

    /// <returns>Null when the attempt may proceed, else the seconds to wait.</returns>
    public int? TryAcquire(HttpContext http, string email)
    {
        var key = $"{http.Connection.RemoteIpAddress}|{email.Trim().ToLowerInvariant()}";
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null : RateLimits.RetryAfterSeconds(lease);
    }

    public void Dispose() => _limiter.Dispose();
}
