using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Options;

namespace PartnerWeb.Jobs;

/// <summary>
/// The Hangfire server of this instance, unless <c>Jobs:Worker</c> is false. Decided when the host
/// starts rather than when services are registered, so configuration supplied late (tests, the
/// environment) still decides, as it does for the database provider.
/// </summary>
internal sealed class JobServerHost(IServiceProvider services, JobStorage storage, IOptions<JobsOptions> options) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Worker) return Task.CompletedTask;
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = Math.Max(1, options.Value.WorkerCount),
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            Activator = services.GetRequiredService<JobActivator>(),
            FilterProvider = services.GetService<IJobFilterProvider>() ?? JobFilterProviders.Providers,
        }, storage);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null) return;
        _server.SendStop();
        await _server.WaitForShutdownAsync(cancellationToken);
    }

    public void Dispose() => _server?.Dispose();
}
