using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Resellers;

public sealed class ResellerService(
    AppDbContext db, CurrentUser currentUser, AuditLog audit, IdGenerator ids, TimeProvider clock, IPasswordHasher<User> hasher)
{
    public async Task<Result<ResellerDto>> CreateAsync(CreateResellerRequest request, CancellationToken ct)
    {
        var margin = request.MarginPercent!.Value;
        if (!Percentages.IsValid(margin))
            return AppError.Validation("marginPercent", "marginPercent must be between 0 and 100 with at most two decimals.");
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == request.TenantId, ct);
        if (tenant is null) return AppError.NotFound("Tenant");
        if (tenant.IsPlatform) return AppError.Conflict("The platform tenant cannot be a reseller.");
        if (await db.ResellerAccounts.AnyAsync(r => r.TenantId == tenant.Id, ct))
            return AppError.Conflict("This tenant is already a reseller.");

        var reseller = new ResellerAccount { Id = ids.NewId(), TenantId = tenant.Id, MarginPercent = margin, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.ResellerAccounts.Add(reseller);
        audit.Record(AuditActions.ResellerCreated, nameof(ResellerAccount), reseller.Id, tenant.Id, new { marginPercent = margin });
        await db.SaveChangesAsync(ct);
        return ResellerDto.From(reseller);
    }

    /// <summary>The caller's tenant's reseller account; absent answers 404 like every other "/me".</summary>
    private async Task<ResellerAccount?> MineAsync(CancellationToken ct)
    {
        var tenantId = currentUser.Required.TenantId;
        return await db.ResellerAccounts.AsNoTracking().FirstOrDefaultAsync(r => r.TenantId == tenantId, ct);
    }

    public async Task<Result<ChildTenantCreated>> CreateChildTenantAsync(CreateChildTenantRequest request, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } reseller) return AppError.NotFound("Reseller account");
        // Normalised before the uniqueness check, so "Ｐｌａｔｆｏｒｍ HQ" is the existing "Platform HQ".
        if (!TextSafety.TryNormalizeName(request.Name, out var name)) return AppError.Validation("name", TextSafety.NameRefusal("name"));
        var email = User.NormalizeEmail(request.OwnerEmail!);
        if (PasswordPolicy.Check(request.OwnerPassword!, email) is { } problem) return AppError.Validation("ownerPassword", problem);
        if (await db.Tenants.AnyAsync(t => t.Name == name, ct)) return AppError.Conflict("A tenant with this name already exists.");
        if (await db.Users.AnyAsync(u => u.Email == email, ct)) return AppError.Conflict("A user with this email already exists.");

        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = new Tenant { Id = ids.NewId(), Name = name, ResellerId = reseller.Id, CreatedAt = now };
        // The reseller chose this password, so the owner sets their own at first sign-in.
        var owner = new User
        {
            Id = ids.NewId(), TenantId = tenant.Id, Email = email, Role = UserRole.Owner, PasswordHash = "", CreatedAt = now, MustChangePassword = true,
        };
        owner.PasswordHash = hasher.HashPassword(owner, request.OwnerPassword!);
        db.Tenants.Add(tenant);
        db.Users.Add(owner);
        audit.Record(AuditActions.ResellerTenantCreated, nameof(Tenant), tenant.Id, reseller.TenantId,
            new { tenant.Name, ownerEmail = email, resellerId = reseller.Id });
        await db.SaveChangesAsync(ct);
        return new ChildTenantCreated(ChildTenantDto.From(tenant), owner.Id, owner.Email);
    }

    public async Task<Result<Page<ChildTenantDto>>> ListChildTenantsAsync(PageRequest page, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } reseller) return AppError.NotFound("Reseller account");
        return await db.Tenants.AsNoTracking().Where(t => t.ResellerId == reseller.Id).ToPageAsync(page, ChildTenantDto.From, ct);
    }

    public async Task<Result<Page<ResellerCommissionDto>>> ListCommissionsAsync(PageRequest page, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } reseller) return AppError.NotFound("Reseller account");
        return await db.ResellerCommissions.AsNoTracking().Where(c => c.ResellerId == reseller.Id)
            .ToPageAsync(page, ResellerCommissionDto.From, ct);
    }
}
