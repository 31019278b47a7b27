using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;

namespace PartnerWeb.Jobs;

/// <summary>Every recurring job of the app, registered at start-up in this one place.</summary>
public static class RecurringJobs
{
    public const string ReconcileAccruals = "reconcile-accruals";
    public const string GeneratePayouts = "generate-payouts";
    public const string PurgeRateLimitWindows = "purge-rate-limit-windows";
    public const string SettleParkedTakeBacks = "settle-parked-take-backs";
    public const string ResumePayoutSends = "resume-payout-sends";
    public const string VerifyLedger = "verify-ledger";

    /// <summary>Windows last a minute by default; ended ones are a few minutes' rows at most.</summary>
    private const string PurgeRateLimitWindowsCron = "*/5 * * * *";

    /// <summary>
    /// Each registration waits up to 15 s (Hangfire's) for its recurring job's lock. A lock held by an
    /// instance killed at that moment is freed once older than the storage's lock timeout (a minute on
    /// PostgreSQL): this instance waits for that rather than failing to start.
    /// </summary>
    private const int RegistrationAttempts = 8;

    public static void Register(IServiceProvider services)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RecurringJobs));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                AddOrUpdateAll(services);
                break;
            }
            catch (DistributedLockTimeoutException ex) when (attempt < RegistrationAttempts)
            {
                log.LogWarning(ex, "Registering the recurring jobs waits for a lock (attempt {Attempt} of {Attempts})", attempt, RegistrationAttempts);
            }
        }

        // Queued jobs do not survive a restart of in-memory storage; catch up once now.
        var jobs = services.GetRequiredService<IBackgroundJobClient>();
        jobs.Enqueue<ReconcileAccrualsJob>(job => job.RunAtStartupAsync(CancellationToken.None));
        jobs.Enqueue<ResumePayoutSendsJob>(job => job.RunAtStartupAsync(CancellationToken.None));
    }

    private static void AddOrUpdateAll(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<ReconcileAccrualsJob>(ReconcileAccruals, job => job.RunAsync(CancellationToken.None), options.ReconcileCron);
        var payoutCron = services.GetRequiredService<IOptions<Features.Partners.PartnerOptions>>().Value.PayoutCron;
        recurring.AddOrUpdate<GeneratePayoutsJob>(GeneratePayouts, job => job.RunAsync(CancellationToken.None), payoutCron);
        recurring.AddOrUpdate<SettleParkedTakeBacksJob>(SettleParkedTakeBacks, job => job.RunAsync(CancellationToken.None), options.ReconcileCron);
        recurring.AddOrUpdate<ResumePayoutSendsJob>(ResumePayoutSends, job => job.RunAsync(CancellationToken.None), options.ReconcileCron);
        recurring.AddOrUpdate<VerifyLedgerJob>(VerifyLedger, job => job.RunAsync(CancellationToken.None), options.LedgerVerifyCron);
        recurring.AddOrUpdate<PurgeRateLimitWindowsJob>(PurgeRateLimitWindows, job => job.RunAsync(CancellationToken.None), PurgeRateLimitWindowsCron);
    }
}
