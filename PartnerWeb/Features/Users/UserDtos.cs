using System.ComponentModel.DataAnnotations;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Users;

public sealed class CreateUserRequest
{
    [Required, EmailAddress, StringLength(254)]
    public string? Email { get; init; }

    [Required]
    public UserRole? Role { get; init; }

    /// <summary>Checked by <see cref="PasswordPolicy"/>; the new user must replace it at first sign-in.</summary>
    [Required]
    public string? Password { get; init; }
}

public sealed class UpdateUserRequest
{
    [Required]
    public UserRole? Role { get; init; }
}

public sealed record UserDto(Guid Id, Guid TenantId, string Email, UserRole Role, bool MustChangePassword, DateTime CreatedAt)
{
    public static UserDto From(User u) => new(u.Id, u.TenantId, u.Email, u.Role, u.MustChangePassword, u.CreatedAt);
}
