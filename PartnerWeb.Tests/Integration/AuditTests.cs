using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class AuditTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task A_change_that_fails_leaves_no_audit_row()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var tenant = await db.Tenants.SingleAsync(t => t.Name == "Globex");

        // The change violates the unique email index; its audit event is in the same unit of work.
        var duplicate = new User { Id = Guid.NewGuid(), TenantId = tenant.Id, Email = Demo.GlobexOwner, PasswordHash = "x", CreatedAt = DateTime.UtcNow };
        db.Users.Add(duplicate);
        var recorded = audit.Record("USER_CREATED", "User", duplicate.Id, tenant.Id);
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        using var check = factory.Services.CreateScope();
        var fresh = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await fresh.AuditEvents.AnyAsync(a => a.Id == recorded.Id));
        Assert.False(await fresh.AuditEvents.AnyAsync(a => a.EntityId == duplicate.Id));
    }

    [Fact]
    public async Task A_change_that_succeeds_writes_exactly_one_audit_row_with_it()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Name == "Globex");
        var user = new User { Id = Guid.NewGuid(), TenantId = tenant.Id, Email = $"{Guid.NewGuid():N}@globex.example", PasswordHash = "x", CreatedAt = DateTime.UtcNow };
        db.Users.Add(user);
        scope.ServiceProvider.GetRequiredService<AuditLog>().Record("USER_CREATED", "User", user.Id, tenant.Id, new { user.Email });
        await db.SaveChangesAsync();

        using var check = factory.Services.CreateScope();
        var fresh = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await fresh.Users.AnyAsync(u => u.Id == user.Id));
        var row = await fresh.AuditEvents.SingleAsync(a => a.EntityId == user.Id);
        Assert.Equal("USER_CREATED", row.Action);
        Assert.Contains(user.Email, row.Data);
    }

    [Fact]
    public async Task Audit_list_pages_by_keyset_without_gaps_or_repeats_and_filters_by_action()
    {
        var action = $"PAGING_{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        var expected = new List<Guid>();
        for (var i = 0; i < 7; i++) expected.Add((await AuditSeed.RecordForTenantAsync(factory, "Initech Add-ons", action)).EventId);

        using var client = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/audit?action={action.ToLowerInvariant()}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await client.GetAsync(url)).AssertJsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            Assert.Equal(cursor is not null, page.GetProperty("hasMore").GetBoolean());
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Count);
        Assert.Equal(expected.OrderBy(id => id), seen.OrderBy(id => id));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("entityId=not-a-guid")]
    public async Task Bad_list_parameters_get_400(string query)
    {
        using var client = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await client.GetAsync($"/api/audit?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_tenant_admin_sees_only_its_own_tenants_events()
    {
        var (acmeEvent, _) = await AuditSeed.RecordForTenantAsync(factory, "Acme Templates");
        var (globexEvent, _) = await AuditSeed.RecordForTenantAsync(factory, "Globex");

        using var acme = await factory.ClientAsAsync(Demo.AcmeAdmin);
        var ids = (await (await acme.GetAsync("/api/audit?limit=200")).AssertJsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(acmeEvent, ids);
        Assert.DoesNotContain(globexEvent, ids);
    }
}
