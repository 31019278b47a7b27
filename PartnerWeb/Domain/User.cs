namespace PartnerWeb.Domain;

public enum UserRole
{
    Owner,
    Admin,
    Staff,
}

public sealed class User
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Tenant? Tenant { get; init; }

    /// <summary>Stored trimmed and lower-case so look-ups need no case folding in SQL.</summary>
    public required string Email { get; init; }

    public required string PasswordHash { get; set; }
    public UserRole Role { get; set; }
    public DateTime CreatedAt { get; init; }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
