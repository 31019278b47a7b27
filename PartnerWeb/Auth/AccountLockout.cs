using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Auth;

/// <summary>
/// Backoff and lockout per email (<see cref="LockoutSettings"/>), for any email string, known or not, so a
/// refusal never tells whether an account exists. Each attempt is claimed before its password is checked:
/// it is counted as a failure up front, by a compare-and-swap on the email's row (<see cref="LoginFailureSql"/>),
/// and a success removes the row again. A waiting or locked email is refused without a claim, so its
/// password is not checked, and attempts racing on several instances cannot all slip through on one read:
/// each claim needs the count the previous one left.
/// </summary>
public sealed class AccountLockout(AppDbContext db, TimeProvider clock, IOptionsMonitor<LockoutSettings> settings)
{
    /// <summary>Each lost round means another attempt on the same email was claimed; past this many the attempt is refused.</summary>
    private const int MaxRounds = 20;

    /// <summary>A claimed attempt: the row as this attempt left it, to remove when the password was right.</summary>
    public readonly record struct Claim(string Key, int Failures, DateTime At);

    /// <summary>Either a claim, or the whole seconds to wait (at least one). Database errors are the caller's.</summary>
    public async Task<(Claim? Claim, int RetryAfterSeconds)> ClaimAsync(string email, CancellationToken ct)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(User.NormalizeEmail(email))));
        var rule = settings.CurrentValue;
        for (var round = 0; round < MaxRounds; round++)
        {
            // Whole milliseconds: PostgreSQL keeps microseconds, and the claim compares what it reads back.
            var now = clock.GetUtcNow().UtcDateTime;
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
            var row = await db.LoginFailures.AsNoTracking().Where(f => f.Key == key)
                .Select(f => new { f.Failures, f.LastFailureAt }).SingleOrDefaultAsync(ct);
            var failures = row is null || row.LastFailureAt <= now - rule.ResetAfter ? 0 : row.Failures;
            if (failures > 0)
            {
                var until = row!.LastFailureAt + rule.DelayAfter(failures);
                if (until > now) return (null, Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds)));
            }
            // No row is read as zero failures, which no stored row has: the claim then only inserts.
            if (await LoginFailureSql.ClaimAsync(db.Database, key, failures + 1, now, row?.Failures ?? 0, row?.LastFailureAt ?? DateTime.UnixEpoch, ct))
                return (new Claim(key, failures + 1, now), 0);
        }
        return (null, 1);
    }

    /// <summary>
    /// The password was right: the email's failures are forgotten, unless another attempt was claimed since
    /// (then the row, and this attempt in it, stays as counted).
    /// </summary>
    public Task<int> ReleaseAsync(Claim claim, CancellationToken ct) =>
        SqliteWriteGate.QueuedAsync(db.Database, () => db.LoginFailures
            .Where(f => f.Key == claim.Key && f.Failures == claim.Failures && f.LastFailureAt == claim.At)
            .ExecuteDeleteAsync(ct), ct);
}
