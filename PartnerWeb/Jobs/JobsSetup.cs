using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using PartnerWeb.Auth;
using PartnerWeb.Data;

namespace PartnerWeb.Jobs;

public sealed class JobsOptions
{
    public int WorkerCount { get; set; } = 4;
    public string ReconcileCron { get; set; } = "* * * * *";

    /// <summary>Age an open accrual task must reach before the recurring reconcile re-enqueues it.</summary>
    public int ReconcileGraceSeconds { get; set; } = 30;

    /// <summary>Most accrual tasks one job completes in one transaction (the tasks of one group of payments, split).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int AccrualBatchSize { get; set; } = 200;
}

public static class JobsSetup
{
    public static IServiceCollection AddPartnerWebJobs(this IServiceCollection services)
    {
        services.AddOptions<JobsOptions>().BindConfiguration("Jobs").ValidateDataAnnotations().ValidateOnStart();

        // Hangfire keeps storage and activator in statics; registering them per app first
        // (AddHangfire only TryAdds) keeps two hosts in one process, as in tests, apart.
        services.AddSingleton<JobStorage>(sp => DatabaseSetup.Provider(sp) == DatabaseProvider.SqlServer
            ? new SqlServerStorage(DatabaseSetup.ConnectionString(sp))
            : new InMemoryStorage());
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddScoped<AccrualScheduler>();
        services.AddScoped<AccrualJob>();
        services.AddScoped<ReconcileAccrualsJob>();
        services.AddScoped<GeneratePayoutsJob>();
        services.AddScoped<PurgeRateLimitWindowsJob>();
        services.AddHangfireServer((sp, o) =>
        {
            o.WorkerCount = Math.Max(1, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value.WorkerCount);
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        return services;
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
