using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Which partner accounts the caller may see: platform admins all, everyone else only their own
/// tenant's. Applied in the query, so another tenant's partner is simply not found (404).
/// </summary>
public sealed class PartnerAccess(AppDbContext db, CurrentUser currentUser)
{
    public UserInfo User => currentUser.Required;

    public IQueryable<PartnerAccount> Visible() => User.IsPlatformAdmin
        ? db.PartnerAccounts.AsNoTracking()
        : db.PartnerAccounts.AsNoTracking().Where(p => p.TenantId == User.TenantId);

    public Task<PartnerAccount?> FindAsync(Guid partnerId, CancellationToken ct) =>
        Visible().FirstOrDefaultAsync(p => p.Id == partnerId, ct);

    /// <summary>The caller's own tenant's account, for /me and /my/*.</summary>
    public Task<PartnerAccount?> MineAsync(CancellationToken ct)
    {
        var tenantId = User.TenantId;
        return db.PartnerAccounts.AsNoTracking().FirstOrDefaultAsync(p => p.TenantId == tenantId, ct);
    }
}
