using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;

namespace PartnerWeb.Auth;

/// <summary>Whether an attempt may proceed; when not, the whole seconds until its window ends (at least one).</summary>
public readonly record struct RateLimitDecision(bool Allowed, int RetryAfterSeconds);

/// <summary>
/// Fixed windows counted in the database (<see cref="Domain.RateLimitWindow"/>), so every instance on one
/// database shares one count per partition. Windows are aligned to the clock (a 60-second window starts on
/// the minute), which lets instances agree on the window without talking to each other. Partitions are
/// stored hashed, so the table holds no email or IP address.
/// </summary>
public sealed class FixedWindowCounter(
    AppDbContext db, TimeProvider clock, IOptionsMonitor<FixedWindowSettings> settings, ILogger<FixedWindowCounter> logger)
{
    /// <returns>Null when the database could not count the attempt (logged); the caller decides what that means.</returns>
    public async Task<RateLimitDecision?> HitAsync(string policy, string partition, CancellationToken ct)
    {
        var limit = settings.Get(policy);
        var now = clock.GetUtcNow();
        var nowSeconds = now.ToUnixTimeSeconds();
        var start = nowSeconds - nowSeconds % limit.WindowSeconds;
        var end = DateTimeOffset.FromUnixTimeSeconds(start + limit.WindowSeconds);
        var key = $"{policy}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)))}:{start}";
        int count;
        try
        {
            count = await RateLimitWindowSql.IncrementAsync(db.Database, key, end.UtcDateTime, ct);
        }
        catch (Exception ex) when (ex is DbException or RetryLimitExceededException)
        {
            logger.LogWarning(ex, "The {Policy} rate limit could not count an attempt", policy);
            return null;
        }
        return count <= limit.PermitLimit
            ? new RateLimitDecision(true, 0)
            : new RateLimitDecision(false, Math.Max(1, (int)Math.Ceiling((end - now).TotalSeconds)));
    }
}
