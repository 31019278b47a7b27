using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Domain;

namespace PartnerWeb.Data;

public sealed class SeedOptions
{
    public bool Demo { get; set; }
    public string DemoPassword { get; set; } = "Demo!2345";
}

/// <summary>The demo data of spec §4. Creates only what is absent, so every start may run it.</summary>
public sealed class DemoSeeder(
    AppDbContext db, IPasswordHasher<User> hasher, IdGenerator ids, TimeProvider clock,
    IOptions<SeedOptions> options, ILogger<DemoSeeder> logger)
{
    public static readonly IReadOnlyList<(string Tenant, bool IsPlatform, (string Email, UserRole Role)[] Users)> Tenants =
    [
        ("Platform HQ", true, [("owner@platform.example", UserRole.Owner), ("admin@platform.example", UserRole.Admin), ("staff@platform.example", UserRole.Staff)]),
        ("Acme Templates", false, [("owner@acme.example", UserRole.Owner), ("admin@acme.example", UserRole.Admin), ("staff@acme.example", UserRole.Staff)]),
        ("Initech Add-ons", false, [("owner@initech.example", UserRole.Owner)]),
        ("Globex", false, [("owner@globex.example", UserRole.Owner), ("staff@globex.example", UserRole.Staff)]),
        ("Umbrella Resellers", false, [("owner@umbrella.example", UserRole.Owner)]),
    ];

    public const string ResellerTenant = "Umbrella Resellers";
    public const decimal ResellerMargin = 10m;

    public static readonly IReadOnlyList<(string Name, ItemType Type, long Price, string Currency, string Publisher)> Items =
    [
        ("Starter Landing Template", ItemType.Template, 4900, "USD", "Platform HQ"),
        ("Acme CRM Add-on", ItemType.Addon, 12900, "USD", "Acme Templates"),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var existingTenants = await db.Tenants.ToDictionaryAsync(t => t.Name, ct);
        var existingEmails = (await db.Users.Select(u => u.Email).ToListAsync(ct)).ToHashSet();
        foreach (var (name, isPlatform, users) in Tenants)
        {
            if (!existingTenants.TryGetValue(name, out var tenant))
            {
                tenant = new Tenant { Id = ids.NewId(), Name = name, IsPlatform = isPlatform, CreatedAt = now };
                db.Tenants.Add(tenant);
            }
            foreach (var (email, role) in users.Where(u => !existingEmails.Contains(u.Email)))
            {
                var user = new User { Id = ids.NewId(), TenantId = tenant.Id, Email = email, Role = role, PasswordHash = "", CreatedAt = now };
                user.PasswordHash = hasher.HashPassword(user, options.Value.DemoPassword);
                db.Users.Add(user);
            }
        }
        await db.SaveChangesAsync(ct);
        await SeedResellerAndItemsAsync(now, ct);
        // Never the password itself: logs are copied to places a password must not go (README: Run it names it).
        logger.LogInformation("Demo data ready. Sign in with any of {Emails} and the password of Seed:DemoPassword",
            string.Join(", ", Tenants.SelectMany(t => t.Users).Select(u => u.Email)));
    }

    private async Task SeedResellerAndItemsAsync(DateTime now, CancellationToken ct)
    {
        var tenants = await db.Tenants.ToDictionaryAsync(t => t.Name, t => t.Id, ct);
        var umbrella = tenants[ResellerTenant];
        if (!await db.ResellerAccounts.AnyAsync(r => r.TenantId == umbrella, ct))
            db.ResellerAccounts.Add(new ResellerAccount { Id = ids.NewId(), TenantId = umbrella, MarginPercent = ResellerMargin, CreatedAt = now });

        var existingItems = (await db.MarketplaceItems.Select(i => i.Name).ToListAsync(ct)).ToHashSet();
        foreach (var (name, type, price, currency, publisher) in Items.Where(i => !existingItems.Contains(i.Name)))
        {
            db.MarketplaceItems.Add(new MarketplaceItem
            {
                Id = ids.NewId(), Name = name, Type = type, Price = price, Currency = currency,
                PublisherTenantId = tenants[publisher], Status = ItemStatus.Active, CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
    }
}
