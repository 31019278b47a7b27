using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Jobs;

/// <summary>
/// <c>Jobs:LedgerVerifyCron</c>: every partner's running figures against its entries (<see cref="LedgerCheck"/>).
/// A partner whose figures differ is an alert: logged at Error and audited <c>LEDGER_MISMATCH</c>, which the
/// operator's partner list shows. Nothing is corrected.
/// </summary>
public sealed class VerifyLedgerJob(IServiceScopeFactory scopes, ILogger<VerifyLedgerJob> logger)
{
    /// <summary>At most this many differences per partner go into the audit event; the count says how many there were.</summary>
    private const int MaxListed = 20;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var mismatched = 0;
        var partners = await PartnersAsync(ct);
        foreach (var (partnerId, tenantId) in partners)
            if (await CheckAsync(partnerId, tenantId, ct)) mismatched++;
        logger.Log(mismatched == 0 ? LogLevel.Information : LogLevel.Error,
            "Ledger check: {Mismatched} of {Checked} partners have running figures that differ from their entries", mismatched, partners.Count);
        return mismatched;
    }

    private async Task<List<(Guid Id, Guid TenantId)>> PartnersAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.PartnerAccounts.AsNoTracking().Select(p => new { p.Id, p.TenantId }).ToListAsync(ct)).Select(p => (p.Id, p.TenantId)).ToList();
    }

    /// <summary>One scope per partner, so a long run keeps no snapshot or tracked rows open between partners.</summary>
    private async Task<bool> CheckAsync(Guid partnerId, Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mismatches = await scope.ServiceProvider.GetRequiredService<LedgerCheck>().CheckAsync(partnerId, ct);
        if (mismatches.Count == 0) return false;

        foreach (var m in mismatches.Take(MaxListed))
            logger.LogError("Ledger mismatch for partner {PartnerId}: {Figure} in {Currency}{Day} is {Held} in the running figures, {Ledger} in the entries",
                partnerId, m.Figure, m.Currency, m.Day is { } day ? $" on {day:yyyy-MM-dd}" : "", m.Held, m.Ledger);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        await UnitOfWork.RunAsync(db, (_, _) =>
        {
            audit.Record(AuditActions.LedgerMismatch, nameof(Domain.PartnerAccount), partnerId, tenantId, new
            {
                count = mismatches.Count,
                mismatches = mismatches.Take(MaxListed).Select(m => new { m.Currency, m.Day, m.Figure, m.Ledger, m.Held }),
            });
            return Task.FromResult(true);
        }, ct);
        return true;
    }
}
