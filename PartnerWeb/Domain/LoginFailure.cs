namespace PartnerWeb.Domain;

/// <summary>
/// The failed sign-ins of one email (any email string, whether or not an account has it), keyed by a
/// SHA-256 of the normalised email so no address is stored. A row is forgotten once its last failure is
/// older than <c>Auth:Lockout:ResetAfterMinutes</c>, and removed by a successful sign-in.
/// </summary>
public sealed class LoginFailure
{
    public required string Key { get; init; }
    public int Failures { get; init; }
    public DateTime LastFailureAt { get; init; }
}
