using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Users;

/// <summary>
/// A tenant's users, for the API (<c>/api/tenants/me/users</c>, and <c>/api/tenants/{id}/users</c> for platform
/// admins) and the <c>/settings/users</c> page. Who may do what over a tenant: its owners everything; its
/// admins add and remove staff only; platform admins act as owners on every other tenant (on the platform
/// tenant itself its own roles count, so a platform admin cannot make themselves an owner). A tenant always
/// keeps one owner, and nobody removes themselves. Another tenant's user is looked up with the tenant in the
/// query, so it is simply not found.
/// </summary>
public sealed class UserService(
    AppDbContext db, CurrentUser currentUser, AuditLog audit, IdGenerator ids, TimeProvider clock, IPasswordHasher<User> hasher)
{
    private enum Authority { None, StaffOnly, Full }

    private static readonly AppError StaffOnly = AppError.Forbidden("Admins may only add and remove staff.");
    private static readonly AppError LastOwner = AppError.Conflict("A tenant must keep at least one owner.");

    /// <summary>Whether the caller may give this role, or act on a user who has it.</summary>
    public bool MayHandle(Guid tenantId, UserRole role) =>
        AuthorityOver(tenantId) is var authority && (authority == Authority.Full || authority == Authority.StaffOnly && role == UserRole.Staff);

    public async Task<Result<Page<UserDto>>> ListAsync(Guid tenantId, PageRequest page, CancellationToken ct)
    {
        if (await RefusalAsync(tenantId, ct) is { } refused) return refused;
        return await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToPageAsync(page, UserDto.From, ct);
    }

    public async Task<Result<UserDto>> CreateAsync(Guid tenantId, CreateUserRequest request, CancellationToken ct)
    {
        if (await RefusalAsync(tenantId, ct) is { } refused) return refused;
        var role = request.Role!.Value;
        if (!MayHandle(tenantId, role)) return StaffOnly;
        var email = User.NormalizeEmail(request.Email!);
        if (PasswordPolicy.Check(request.Password!, email) is { } problem) return AppError.Validation("password", problem);
        if (await db.Users.AnyAsync(u => u.Email == email, ct)) return DuplicateEmail;

        // Someone else chose this password, so the new user replaces it at first sign-in.
        var user = new User
        {
            Id = ids.NewId(), TenantId = tenantId, Email = email, Role = role, PasswordHash = "",
            CreatedAt = clock.GetUtcNow().UtcDateTime, MustChangePassword = true,
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        audit.Record(AuditActions.UserCreated, nameof(User), user.Id, tenantId, new { email, role = Name(role) });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request took the email between the check and the insert.
            db.ChangeTracker.Clear();
            if (await db.Users.AnyAsync(u => u.Email == email, ct)) return DuplicateEmail;
            throw;
        }
        return UserDto.From(user);
    }

    public async Task<Result<UserDto>> ChangeRoleAsync(Guid tenantId, Guid userId, UpdateUserRequest request, CancellationToken ct)
    {
        if (await RefusalAsync(tenantId, ct) is { } refused) return refused;
        var role = request.Role!.Value;
        return await UnitOfWork.RunAsync<Result<UserDto>>(db, async (work, ct) =>
        {
            var owners = await LockOwnersAsync(db, tenantId, ct);
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.TenantId == tenantId, ct);
            if (user is null) return work.Discard<Result<UserDto>>(AppError.NotFound("User"));
            if (!MayHandle(tenantId, user.Role) || !MayHandle(tenantId, role)) return work.Discard<Result<UserDto>>(StaffOnly);
            if (user.Role == role) return work.Discard<Result<UserDto>>(UserDto.From(user));
            if (user.Role == UserRole.Owner && owners <= 1) return work.Discard<Result<UserDto>>(LastOwner);

            var from = user.Role;
            user.Role = role;
            user.RotateSecurityStamp();
            audit.Record(AuditActions.UserRoleChanged, nameof(User), user.Id, tenantId, new { email = user.Email, from = Name(from), to = Name(role) });
            return UserDto.From(user);
        }, ct);
    }

    /// <summary>The row goes (audit events keep its id); the email may be used again.</summary>
    public async Task<Result<UserDto>> RemoveAsync(Guid tenantId, Guid userId, CancellationToken ct)
    {
        if (await RefusalAsync(tenantId, ct) is { } refused) return refused;
        return await UnitOfWork.RunAsync<Result<UserDto>>(db, async (work, ct) =>
        {
            var owners = await LockOwnersAsync(db, tenantId, ct);
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.TenantId == tenantId, ct);
            if (user is null) return work.Discard<Result<UserDto>>(AppError.NotFound("User"));
            if (!MayHandle(tenantId, user.Role)) return work.Discard<Result<UserDto>>(StaffOnly);
            if (user.Id == currentUser.Required.Id) return work.Discard<Result<UserDto>>(AppError.Conflict("You cannot remove yourself; another owner can."));
            if (user.Role == UserRole.Owner && owners <= 1) return work.Discard<Result<UserDto>>(LastOwner);

            db.Users.Remove(user);
            audit.Record(AuditActions.UserRemoved, nameof(User), user.Id, tenantId, new { email = user.Email, role = Name(user.Role) });
            return UserDto.From(user);
        }, ct);
    }

    /// <summary>
    /// Counts the tenant's owners and locks their rows until the transaction ends, so two owners demoting or
    /// removing each other at once cannot both see "another owner is left": the second waits, then counts again.
    /// </summary>
    public static Task<int> LockOwnersAsync(AppDbContext db, Guid tenantId, CancellationToken ct) =>
        db.Users.Where(u => u.TenantId == tenantId && u.Role == UserRole.Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, u => u.Role), ct);

    /// <summary>Roles as the API writes them, so audit data reads like the requests.</summary>
    private static string Name(UserRole role) => role.ToString().ToLowerInvariant();

    private static readonly AppError DuplicateEmail = AppError.Conflict("A user with this email already exists.");

    private async Task<AppError?> RefusalAsync(Guid tenantId, CancellationToken ct)
    {
        if (AuthorityOver(tenantId) == Authority.None) return AppError.Forbidden("Only owners and admins manage users.");
        return await db.Tenants.AnyAsync(t => t.Id == tenantId, ct) ? null : AppError.NotFound("Tenant");
    }

    private Authority AuthorityOver(Guid tenantId)
    {
        var actor = currentUser.Required;
        if (actor.TenantId == tenantId)
            return actor.Role switch { UserRole.Owner => Authority.Full, UserRole.Admin => Authority.StaffOnly, _ => Authority.None };
        return actor.IsPlatformAdmin ? Authority.Full : Authority.None;
    }
}
