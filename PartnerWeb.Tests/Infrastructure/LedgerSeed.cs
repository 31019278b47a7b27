using PartnerWeb.Data;

namespace PartnerWeb.Tests.Infrastructure;

public static class LedgerSeed
{
    /// <summary>Saves entries a test writes past the services the way the app does: in a transaction, with their running figures.</summary>
    public static async Task<int> SaveInTransactionAsync(this AppDbContext db)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var saved = await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return saved;
    }
}
