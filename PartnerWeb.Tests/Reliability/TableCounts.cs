using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// The row count of every table of the app's model, read through its own <see cref="AppDbContext"/>,
/// plus the status mix of the rows whose state a refused call could flip without adding a row.
/// Two snapshots that compare equal mean a call wrote nothing.
/// </summary>
public sealed record TableCounts(IReadOnlyDictionary<string, long> Counts)
{
    public static async Task<TableCounts> ReadAsync(PartnerWebFactory factory)
    {
        await SettleAsync(factory);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        // Rate-limit windows and login failures are left out: every attempt is counted, a refused one too (it
        // still costs the caller an attempt), and they hold nothing of the product.
        var tables = db.Model.GetEntityTypes().Where(e => e.ClrType != typeof(RateLimitWindow) && e.ClrType != typeof(LoginFailure))
            .Select(e => e.GetTableName()).OfType<string>().Distinct();
        foreach (var table in tables)
        {
            // The names come from the app's own model, never from input.
#pragma warning disable EF1003
            counts[table] = await db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"" + table + "\"").SingleAsync();
#pragma warning restore EF1003
        }

        async Task Mix<T>(string name, IQueryable<T> statuses)
        {
            foreach (var group in await statuses.GroupBy(s => s).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync())
                counts[$"{name}[{group.Key}]"] = group.Count;
        }
        await Mix("Invoices", db.Invoices.Select(i => i.Status));
        await Mix("PartnerAccounts", db.PartnerAccounts.Select(p => p.Status));
        await Mix("PartnerListings", db.PartnerListings.Select(l => l.Status));
        await Mix("PartnerPayouts", db.PartnerPayouts.Select(p => p.Status));
        return new TableCounts(counts);
    }

    /// <summary>Waits until no accrual job is still running from an earlier call, so counts only move because of the call under test.</summary>
    public static Task SettleAsync(PartnerWebFactory factory) =>
        Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db => db.AccrualTasks.AllAsync(t => t.CompletedAt != null)), "accrual jobs to finish");

    /// <summary>The entries that differ, e.g. "AuditEvents: 41 → 42"; empty when nothing changed.</summary>
    public string Diff(TableCounts after) => string.Join(", ", Counts.Keys.Union(after.Counts.Keys).Order(StringComparer.Ordinal)
        .Where(k => Counts.GetValueOrDefault(k) != after.Counts.GetValueOrDefault(k))
        .Select(k => $"{k}: {Counts.GetValueOrDefault(k)} → {after.Counts.GetValueOrDefault(k)}"));

    public int Tables => Counts.Keys.Count(k => !k.Contains('['));
}
