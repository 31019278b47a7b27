using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using PartnerWeb.Auth;
using PartnerWeb.Data;

namespace PartnerWeb.Jobs;

public sealed class JobsOptions
{
    public int WorkerCount { get; set; } = 4;

    /// <summary>False: this instance serves requests and enqueues jobs, but runs none (dedicated worker instances do).</summary>
    public bool Worker { get; set; } = true;
    public string ReconcileCron { get; set; } = "* * * * *";

    /// <summary>When every partner's running figures are checked against the ledger (<see cref="VerifyLedgerJob"/>); daily, off-peak, by default.</summary>
    public string LedgerVerifyCron { get; set; } = "30 3 * * *";

    /// <summary>Age an open accrual task must reach before the recurring reconcile re-enqueues it.</summary>
    public int ReconcileGraceSeconds { get; set; } = 30;

    /// <summary>Most accrual tasks one job completes in one transaction (the tasks of one group of payments, split).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int AccrualBatchSize { get; set; } = 200;

    /// <summary>Failed runs after which an accrual task is dead: no job or reconcile picks it up until an admin retries it.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000)]
    public int MaxAttempts { get; set; } = 10;
}

public static class JobsSetup
{
    public static IServiceCollection AddPartnerWebJobs(this IServiceCollection services)
    {
        services.AddOptions<JobsOptions>().BindConfiguration("Jobs").ValidateDataAnnotations().ValidateOnStart();

        // Hangfire keeps storage and activator in statics; registering them per app first
        // (AddHangfire only TryAdds) keeps two hosts in one process, as in tests, apart.
        services.AddSingleton<JobStorage>(sp => DatabaseSetup.Provider(sp) switch
        {
            DatabaseProvider.SqlServer => new SqlServerStorage(DatabaseSetup.ConnectionString(sp)),
            DatabaseProvider.PostgreSql => PostgreSqlJobStorage(DatabaseSetup.ConnectionString(sp)),
            _ => new InMemoryStorage(),
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddScoped<AccrualScheduler>();
        services.AddScoped<AccrualJob>();
        services.AddScoped<AccrualFailures>();
        services.AddScoped<ReconcileAccrualsJob>();
        services.AddScoped<SettleParkedTakeBacksJob>();
        services.AddScoped<SendPayoutJob>();
        services.AddScoped<ResumePayoutSendsJob>();
        services.AddScoped<GeneratePayoutsJob>();
        services.AddScoped<PurgeRateLimitWindowsJob>();
        services.AddScoped<VerifyLedgerJob>();
        services.AddHostedService<JobServerHost>();
        return services;
    }

    /// <summary>
    /// Shared by every instance on the database, in its own schema. Long polling (LISTEN/NOTIFY) hands a
    /// new job to an idle worker at once instead of at the next poll.
    /// <para>
    /// The storage's locks are rows that nobody renews, freed only by their holder or once older than
    /// <c>DistributedLockTimeout</c>. Hangfire holds them for a state change or a recurring-job pass,
    /// milliseconds; the app takes none of its own. The default of 10 minutes would leave the locks of an
    /// instance killed while holding them in place that long, and no recurring job (the reconcile among
    /// them) would run on any instance meanwhile. A fetched job stays invisible while its worker's
    /// heartbeat slides the timeout (every fifth of it); a dead worker's job comes back after
    /// <c>InvisibilityTimeout</c> instead of the default 30 minutes.
    /// </para>
    /// </summary>
    private static PostgreSqlStorage PostgreSqlJobStorage(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            UseSlidingInvisibilityTimeout = true,
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
            InvisibilityTimeout = TimeSpan.FromMinutes(2),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    /// <summary>The dashboard is guarded by the endpoint policy, not by Hangfire's local-requests rule.</summary>
    public static void MapPartnerWebHangfire(this WebApplication app) =>
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
        }).RequireAuthorization(Policies.HangfireDashboard);
}
