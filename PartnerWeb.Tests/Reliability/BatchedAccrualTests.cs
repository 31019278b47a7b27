using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>Accrual tasks completed in batches (one job for the tasks committed together) accrue exactly what single runs would.</summary>
public sealed class BatchedAccrualTests(NoJobsFactory factory) : IClassFixture<NoJobsFactory>
{
    [Fact]
    public async Task Overlapping_batches_and_single_runs_accrue_every_task_once()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
        var invoices = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            using var child = await Flows.ChildTenantOwnerAsync(factory);
            var invoiceId = await Flows.InstallAsync(child, itemId);
            await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
            invoices.Add(invoiceId);
        }
        var tasks = await Flows.QueryAsync(factory, db => db.AccrualTasks.Where(t => invoices.Contains(t.InvoiceId)).Select(t => t.Id).ToArrayAsync());
        Assert.Equal(invoices.Count * Enum.GetValues<AccrualKind>().Length, tasks.Length);

        async Task Run(Func<AccrualJob, Task> run)
        {
            using var scope = factory.Services.CreateScope();
            await run(scope.ServiceProvider.GetRequiredService<AccrualJob>());
        }
        // One task alone first, then batches over all of them, over halves and reversed, racing each other.
        await Run(job => job.RunAsync(tasks[0], CancellationToken.None));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => Run(job => job.RunBatchAsync(i switch
        {
            0 or 1 => tasks,
            2 => tasks[..(tasks.Length / 2)],
            3 => tasks[(tasks.Length / 2)..],
            _ => tasks.Reverse().ToArray(),
        }, CancellationToken.None)))));

        var (earnings, commissions, earningAudits, commissionAudits, open) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerEarnings.Where(e => invoices.Contains(e.InvoiceId!.Value)).ToListAsync(),
            await db.ResellerCommissions.Where(c => invoices.Contains(c.InvoiceId)).ToListAsync(),
            await db.AuditEvents.CountAsync(a => a.Action == AuditActions.PartnerEarningAccrued),
            await db.AuditEvents.CountAsync(a => a.Action == AuditActions.ResellerCommissionAccrued),
            await db.AccrualTasks.CountAsync(t => invoices.Contains(t.InvoiceId) && t.CompletedAt == null)));
        Assert.Equal(invoices.Order(), earnings.Select(e => e.InvoiceId!.Value).Order());
        Assert.All(earnings, e => Assert.Equal((12900L, 3870L, 9030L), (e.GrossAmount, e.CommissionAmount, e.PartnerNet)));
        Assert.Equal(invoices.Order(), commissions.Select(c => c.InvoiceId).Order());
        Assert.All(commissions, c => Assert.Equal(1290, c.Amount));
        Assert.Equal((invoices.Count, invoices.Count, 0), (earningAudits, commissionAudits, open));
    }
}
