using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>A job client that loses every job, as in-memory storage does when the process dies.</summary>
public sealed class DroppingJobClient : IBackgroundJobClient
{
    public int Dropped;

    public string Create(Job job, IState state)
    {
        Interlocked.Increment(ref Dropped);
        return Guid.NewGuid().ToString();
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => false;
}

public sealed class LostJobRecoveryTests
{
    private sealed class LosingJobsFactory(string path) : PartnerWebFactory(path)
    {
        public DroppingJobClient Jobs { get; } = new();
        protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<IBackgroundJobClient>(Jobs);
    }

    [Fact]
    public async Task Accruals_whose_jobs_were_lost_complete_exactly_once_after_a_restart()
    {
        var path = Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
        using var cleanup = new DeleteOnDispose(path);
        var invoices = new List<Guid>();

        await using (var crashing = new LosingJobsFactory(path))
        {
            using var admin = await crashing.ClientAsAsync(Demo.PlatformAdmin);
            var template = await Flows.TemplateIdAsync(crashing);
            for (var i = 0; i < 3; i++)
            {
                using var child = await Flows.ChildTenantOwnerAsync(crashing);
                var invoiceId = await Flows.InstallAsync(child, template);
                await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
                invoices.Add(invoiceId);
            }
            Assert.True(crashing.Jobs.Dropped >= invoices.Count, "the accrual jobs were enqueued (and lost)");
            Assert.Equal(0, await Flows.QueryAsync(crashing, db => db.ResellerCommissions.CountAsync()));
            Assert.Equal(invoices.Count * Enum.GetValues<Domain.AccrualKind>().Length, await Flows.QueryAsync(crashing, db => db.AccrualTasks.CountAsync(t => t.CompletedAt == null)));
        }

        // The restarted app reconciles at start-up with real job storage.
        await using var restarted = PartnerWebFactory.On(path);
        using var _ = restarted.CreateApiClient();
        await Flows.EventuallyAsync(() => Flows.QueryAsync(restarted, db => db.AccrualTasks.AllAsync(t => t.CompletedAt != null)),
            "the reconcile job to complete every open accrual");

        // Reconciling again, and running the jobs again by hand, changes nothing.
        using (var scope = restarted.Services.CreateScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ReconcileAccrualsJob>().RunAtStartupAsync(CancellationToken.None));
            var taskIds = await scope.ServiceProvider.GetRequiredService<Data.AppDbContext>().AccrualTasks.Select(t => t.Id).ToListAsync();
            foreach (var taskId in taskIds)
            {
                using var jobScope = restarted.Services.CreateScope();
                await jobScope.ServiceProvider.GetRequiredService<AccrualJob>().RunAsync(taskId, CancellationToken.None);
            }
        }

        var commissions = await Flows.QueryAsync(restarted, db => db.ResellerCommissions.ToListAsync());
        Assert.Equal(invoices.OrderBy(i => i), commissions.Select(c => c.InvoiceId).OrderBy(i => i));
        Assert.All(commissions, c => Assert.Equal(490, c.Amount));
        Assert.Equal(invoices.Count, await Flows.QueryAsync(restarted, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.ResellerCommissionAccrued)));
        ReliabilityFigures.Record("Lost jobs", $"{invoices.Count} paid invoices whose accrual jobs were all lost, app restarted: start-up reconcile completed {invoices.Count} commissions, a second reconcile and a manual re-run of every task added 0");
    }
}
