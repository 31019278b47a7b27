using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;
using PartnerWeb.Tests.Integration;

namespace PartnerWeb.Tests.Reliability;

/// <summary>An app whose job queue loses everything, so accrual tasks stay open for the test to run by hand.</summary>
public sealed class NoJobsFactory() : PartnerWebFactory(null, new Dictionary<string, string?> { ["RateLimiting:PartnerWrites:PermitLimit"] = "10000" })
{
    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<IBackgroundJobClient>(new DroppingJobClient());
}

public sealed class AccrualRaceTests(NoJobsFactory factory) : IClassFixture<NoJobsFactory>
{
    [Fact]
    public async Task Twenty_racing_runs_of_every_accrual_task_of_an_invoice_accrue_once()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var invoiceId = await Flows.InstallAsync(child, itemId);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        var tasks = await Flows.QueryAsync(factory, db => db.AccrualTasks.Where(t => t.InvoiceId == invoiceId).Select(t => t.Id).ToListAsync());
        Assert.Equal(Enum.GetValues<AccrualKind>().Length, tasks.Count);
        Assert.False(await Flows.QueryAsync(factory, db => db.PartnerEarnings.AnyAsync(e => e.InvoiceId == invoiceId)));

        // Twenty runs of each task race, as a lost-then-reconciled job and its retries would.
        await Task.WhenAll(tasks.SelectMany(taskId => Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AccrualJob>().RunAsync(taskId, CancellationToken.None);
        }))));

        var earning = Assert.Single(await Flows.QueryAsync(factory, db => db.PartnerEarnings.Where(e => e.InvoiceId == invoiceId).ToListAsync()));
        Assert.Equal((12900L, 3870L, 9030L), (earning.GrossAmount, earning.CommissionAmount, earning.PartnerNet));
        var commission = Assert.Single(await Flows.QueryAsync(factory, db => db.ResellerCommissions.Where(c => c.InvoiceId == invoiceId).ToListAsync()));
        Assert.Equal(1290, commission.Amount);
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.PartnerEarningAccrued && a.EntityId == earning.Id)));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.ResellerCommissionAccrued && a.EntityId == commission.Id)));
        ReliabilityFigures.Record("Races: accrual jobs", $"{tasks.Count} accrual tasks × 20 racing runs: 1 partner earning, 1 reseller commission, 1 audit event each, 0 duplicates");
    }
}
