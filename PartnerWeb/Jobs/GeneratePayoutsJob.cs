using PartnerWeb.Features.Partners;

namespace PartnerWeb.Jobs;

/// <summary><c>Partners:PayoutCron</c>: the payout service, run for every partner that is paid out (as the operator's "generate for all").</summary>
public sealed class GeneratePayoutsJob(PayoutQueue queue, ILogger<GeneratePayoutsJob> logger)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var run = await queue.GenerateForAllAsync(ct);
        var created = run.Created.Sum(c => c.Count);
        logger.LogInformation("Payout run: {Created} payouts for {Partners} approved partners", created, run.Partners);
        return created;
    }
}
