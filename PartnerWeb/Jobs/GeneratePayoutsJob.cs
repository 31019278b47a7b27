using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Jobs;

/// <summary><c>Partners:PayoutCron</c>: the payout service, run for every partner that is paid out.</summary>
public sealed class GeneratePayoutsJob(AppDbContext db, PayoutService payouts, ILogger<GeneratePayoutsJob> logger)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var paying = StateMachines.PartnerStatusesThatPayOut;
        var partners = await db.PartnerAccounts.AsNoTracking().Where(p => paying.Contains(p.Status)).ToListAsync(ct);
        var created = 0;
        foreach (var partner in partners)
        {
            var result = await payouts.GenerateForAsync(partner, ct);
            created += result.Value?.Payouts.Count ?? 0;
        }
        logger.LogInformation("Payout run: {Created} payouts for {Partners} approved partners", created, partners.Count);
        return created;
    }
}
