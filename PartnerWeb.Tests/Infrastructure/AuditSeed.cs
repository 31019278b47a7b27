using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Features.Audit;

namespace PartnerWeb.Tests.Infrastructure;

public static class AuditSeed
{
    /// <summary>Writes one audit event through the app's own AuditLog, for a fresh entity id of the named tenant.</summary>
    public static async Task<(Guid EventId, Guid EntityId)> RecordForTenantAsync(PartnerWebFactory factory, string tenantName, string action = "TEST_EVENT")
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Name == tenantName);
        var entityId = Guid.NewGuid();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>().Record(action, "Test", entityId, tenant.Id, new { note = "seeded by a test" });
        await db.SaveChangesAsync();
        return (audit.Id, entityId);
    }
}
