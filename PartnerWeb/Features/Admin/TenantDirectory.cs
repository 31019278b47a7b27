using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;

namespace PartnerWeb.Features.Admin;

public sealed record TenantOption(Guid Id, string Name);

/// <summary>
/// Names for ids on the operator pages (tenants, acting users), each list in one query. Platform admins see
/// every tenant's; anyone else only their own tenant's, so a page can never name another tenant by mistake.
/// </summary>
public sealed class TenantDirectory(AppDbContext db, CurrentUser currentUser)
{
    public async Task<IReadOnlyList<TenantOption>> TenantsAsync(CancellationToken ct) =>
        await Tenants().OrderBy(t => t.Name).ThenBy(t => t.Id).Select(t => new TenantOption(t.Id, t.Name)).ToListAsync(ct);

    public async Task<IReadOnlyDictionary<Guid, string>> TenantNamesAsync(IEnumerable<Guid?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<Guid>().Distinct().ToList();
        if (wanted.Count == 0) return new Dictionary<Guid, string>();
        return await Tenants().Where(t => wanted.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
    }

    public async Task<IReadOnlyDictionary<Guid, string>> UserEmailsAsync(IEnumerable<Guid?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<Guid>().Distinct().ToList();
        if (wanted.Count == 0) return new Dictionary<Guid, string>();
        var user = currentUser.Required;
        var users = db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id));
        if (!user.IsPlatformAdmin) users = users.Where(u => u.TenantId == user.TenantId);
        return await users.ToDictionaryAsync(u => u.Id, u => u.Email, ct);
    }

    private IQueryable<Domain.Tenant> Tenants()
    {
        var user = currentUser.Required;
        var tenants = db.Tenants.AsNoTracking();
        return user.IsPlatformAdmin ? tenants : tenants.Where(t => t.Id == user.TenantId);
    }
}
