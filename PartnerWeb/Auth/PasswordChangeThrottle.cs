namespace PartnerWeb.Auth;

/// <summary>
/// Password changes per user (<c>RateLimiting:PasswordChange</c>), counted by <see cref="FixedWindowCounter"/>:
/// each attempt checks the current password, so a stolen session could otherwise guess it. Like the sign-in
/// throttle it stays shut (503) when the database cannot count.
/// </summary>
public sealed class PasswordChangeThrottle(FixedWindowCounter counter)
{
    /// <returns>Null when the attempt may proceed.</returns>
    public async Task<ThrottleRefusal?> CheckAsync(Guid userId, CancellationToken ct) =>
        ThrottleRefusal.Of(await counter.HitAsync(RateLimits.PasswordChange, userId.ToString("N"), ct),
            "Changing the password is unavailable for a moment.", "Too many password change attempts.");
}
