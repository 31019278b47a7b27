namespace PartnerWeb.Domain;

/// <summary>
/// The attempts one rate-limit partition made in one fixed window. The key names the policy, the
/// partition (hashed) and the window's start, so each window is its own row and ended ones are simply deleted.
/// </summary>
public sealed class RateLimitWindow
{
    public required string Key { get; init; }
    public int Count { get; init; }
    public DateTime ExpiresAt { get; init; }
}
