using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;

namespace PartnerWeb.Tests.Infrastructure;

public static class LedgerSeed
{
    /// <summary>Saves entries a test writes past the services the way the app does: in a transaction, with their running figures.</summary>
    public static Task<int> SaveInTransactionAsync(this AppDbContext db) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var saved = await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return saved;
        });
}
