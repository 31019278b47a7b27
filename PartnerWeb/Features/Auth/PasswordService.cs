using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Auth;

public sealed class ChangePasswordRequest
{
    [Required]
    public string? CurrentPassword { get; init; }

    /// <summary>Checked by <see cref="PasswordPolicy"/>.</summary>
    [Required]
    public string? NewPassword { get; init; }
}

/// <summary>
/// The signed-in user changes their own password (API and page). The current password must be right, the new
/// one must pass <see cref="PasswordPolicy"/> and differ from it. The change clears a pending forced change and
/// rotates the security stamp, so every other ticket of the user stops working; the caller gets a fresh one.
/// </summary>
public sealed class PasswordService(
    AppDbContext db, IPasswordHasher<User> hasher, PasswordChangeThrottle throttle, AuditLog audit, CurrentUser currentUser)
{
    /// <summary>Throttled attempts answer with <see cref="ThrottleRefusal"/>; everything else with the result.</summary>
    public async Task<(Result<VerifiedUser> Result, ThrottleRefusal? Refusal)> ChangeAsync(string currentPassword, string newPassword, CancellationToken ct)
    {
        var actor = currentUser.Required;
        if (await throttle.CheckAsync(actor.Id, ct) is { } refusal) return (refusal.Error, refusal);

        var user = await db.Users.Include(u => u.Tenant).SingleOrDefaultAsync(u => u.Id == actor.Id, ct);
        if (user is null) return (AppError.NotFound("User"), null);
        if (hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
            return (AppError.Validation("currentPassword", "The current password is not correct."), null);
        if (newPassword == currentPassword)
            return (AppError.Validation("newPassword", "The new password must differ from the current one."), null);
        if (PasswordPolicy.Check(newPassword, user.Email) is { } problem)
            return (AppError.Validation("newPassword", problem), null);

        var wasRequired = user.MustChangePassword;
        user.PasswordHash = hasher.HashPassword(user, newPassword);
        user.MustChangePassword = false;
        user.RotateSecurityStamp();
        audit.Record(AuditActions.PasswordChanged, nameof(User), user.Id, user.TenantId, new { email = user.Email, wasRequired });
        await db.SaveChangesAsync(ct);
        return (new VerifiedUser(UserInfo.Of(user), user.SecurityStamp), null);
    }
}
