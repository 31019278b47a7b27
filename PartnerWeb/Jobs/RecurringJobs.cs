using Hangfire;
using Microsoft.Extensions.Options;

namespace PartnerWeb.Jobs;

/// <summary>Every recurring job of the app, registered at start-up in this one place.</summary>
public static class RecurringJobs
{
    public const string ReconcileAccruals = "reconcile-accruals";
    public const string GeneratePayouts = "generate-payouts";
    public const string PurgeRateLimitWindows = "purge-rate-limit-windows";

    /// <summary>Windows last a minute by default; ended ones are a few minutes' rows at most.</summary>
    private const string PurgeRateLimitWindowsCron = "*/5 * * * *";

    public static void Register(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<ReconcileAccrualsJob>(ReconcileAccruals, job => job.RunAsync(CancellationToken.None), options.ReconcileCron);
        var payoutCron = services.GetRequiredService<IOptions<Features.Partners.PartnerOptions>>().Value.PayoutCron;
        recurring.AddOrUpdate<GeneratePayoutsJob>(GeneratePayouts, job => job.RunAsync(CancellationToken.None), payoutCron);
        recurring.AddOrUpdate<PurgeRateLimitWindowsJob>(PurgeRateLimitWindows, job => job.RunAsync(CancellationToken.None), PurgeRateLimitWindowsCron);

        // Queued jobs do not survive a restart of in-memory storage; catch up once now.
        services.GetRequiredService<IBackgroundJobClient>()
            .Enqueue<ReconcileAccrualsJob>(job => job.RunAtStartupAsync(CancellationToken.None));
    }
}
