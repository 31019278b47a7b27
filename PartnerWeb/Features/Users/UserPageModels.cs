using System.ComponentModel.DataAnnotations;
using PartnerWeb.Domain;
using PartnerWeb.Features.Dashboards;

namespace PartnerWeb.Features.Users;

/// <summary>The add-user form of /settings/users.</summary>
public sealed class AddUserForm
{
    [Required(ErrorMessage = "Email is required."), EmailAddress(ErrorMessage = "Email is not a valid email address."), StringLength(254)]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Role is required.")]
    public UserRole? Role { get; set; }

    [Required(ErrorMessage = "Password is required.")]
    public string? Password { get; set; }
}

/// <summary>One user of the list, with what the signed-in user may do to them (the service's own rules).</summary>
public sealed record UserRowModel(UserDto User, bool IsYou, IReadOnlyList<UserRole> Roles, bool MayRemove);

/// <summary>The users section: rows, the add form with its errors, and the outcome of the last action.</summary>
public sealed record UsersModel(
    IReadOnlyList<UserRowModel> Rows, bool HasMore, IReadOnlyList<UserRole> AssignableRoles, AddUserForm Form, FormErrors Errors, string? Message);

/// <summary>The password form; its values are never sent back to the browser.</summary>
public sealed class PasswordForm
{
    [Required(ErrorMessage = "The current password is required.")]
    public string? CurrentPassword { get; set; }

    [Required(ErrorMessage = "The new password is required.")]
    public string? NewPassword { get; set; }
}

/// <param name="Required">The user must choose their own password before anything else.</param>
public sealed record PasswordPageModel(bool Required, FormErrors Errors, bool Changed);
