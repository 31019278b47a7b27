namespace PartnerWeb.Domain;

public enum UserRole
{
    Owner,
    Admin,
    Staff,
}

public sealed class User : IKeyset
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Tenant? Tenant { get; init; }

    /// <summary>Stored trimmed and lower-case so look-ups need no case folding in SQL.</summary>
    public required string Email { get; init; }

    public required string PasswordHash { get; set; }
    public UserRole Role { get; set; }
    public DateTime CreatedAt { get; init; }

    /// <summary>
    /// Carried in every token and cookie and compared on each request: a new value revokes every ticket
    /// issued before it (role change, removal, password change, logout).
    /// </summary>
    public string SecurityStamp { get; private set; } = NewSecurityStamp();

    /// <summary>Set for an owner whose first password someone else chose (a reseller); cleared when they set their own.</summary>
    public bool MustChangePassword { get; set; }

    public void RotateSecurityStamp() => SecurityStamp = NewSecurityStamp();

    private static string NewSecurityStamp() => Guid.NewGuid().ToString("N");

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
