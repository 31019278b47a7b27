using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class InvoicePaidRaceTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task Duplicate_deliveries_other_paid_events_and_manual_approvals_racing_make_one_payment()
    {
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var invoiceId = await Flows.InstallAsync(child, await Flows.TemplateIdAsync(factory));
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var stripe = factory.CreateApiClient();

        var sameEvent = StripeSigner.InvoicePaid("evt_race_same", invoiceId, 4900);
        var requests = new List<Func<Task<HttpResponseMessage>>>();
        requests.AddRange(Enumerable.Range(0, 30).Select(_ => (Func<Task<HttpResponseMessage>>)(() => Flows.PostSignedWebhookAsync(stripe, sameEvent))));
        requests.Add(() => Flows.PostSignedWebhookAsync(stripe, StripeSigner.InvoicePaid("evt_race_succeeded", invoiceId, 4900, type: "invoice.payment_succeeded")));
        requests.Add(() => Flows.PostSignedWebhookAsync(stripe, StripeSigner.CheckoutCompleted("evt_race_checkout", invoiceId, 4900)));
        requests.Add(() => Flows.PostSignedWebhookAsync(stripe, StripeSigner.PaymentIntentSucceeded("evt_race_intent", invoiceId, 4900)));
        requests.AddRange(Enumerable.Range(0, 5).Select(i => (Func<Task<HttpResponseMessage>>)(() =>
            admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = $"manual-{i}" }))));

        var responses = await Task.WhenAll(requests.Select(r => Task.Run(r)));

        // Every webhook is acknowledged; of the manual approvals, the losers see "already paid".
        Assert.All(responses.Take(33), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses.Skip(33), r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var winners = 0;
        foreach (var response in responses.Take(33))
        {
            var body = Flows.Json(await response.Content.ReadAsStringAsync());
            if (body.GetProperty("outcome").GetString() == "paid") winners++;
        }
        winners += responses.Skip(33).Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, winners);

        Assert.Equal("paid", await Flows.InvoiceStatusAsync(child, invoiceId));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == invoiceId && a.Action == AuditActions.InvoicePaid)));
        Assert.Equal(Enum.GetValues<AccrualKind>().Length, await Flows.QueryAsync(factory, db => db.AccrualTasks.CountAsync(t => t.InvoiceId == invoiceId)));

        await Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db =>
            db.AccrualTasks.Where(t => t.InvoiceId == invoiceId).AllAsync(t => t.CompletedAt != null)), "accrual to complete");
        var commissions = await Flows.QueryAsync(factory, db => db.ResellerCommissions.Where(c => c.InvoiceId == invoiceId).ToListAsync());
        var commission = Assert.Single(commissions);
        Assert.Equal(490, commission.Amount);
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.ResellerCommissionAccrued && a.EntityId == commission.Id)));

        // Only the one event that was processed as a payment, plus the three others, are recorded.
        Assert.Equal(4, await Flows.QueryAsync(factory, db => db.ProcessedStripeEvents.CountAsync(e => e.InvoiceId == invoiceId)));
    }

    [Fact]
    public async Task Racing_accrual_jobs_for_one_task_accrue_once()
    {
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var invoiceId = await Flows.InstallAsync(child, await Flows.TemplateIdAsync(factory));
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        var taskId = await Flows.QueryAsync(factory, db => db.AccrualTasks.Where(t => t.InvoiceId == invoiceId && t.Kind == AccrualKind.Reseller).Select(t => t.Id).SingleAsync());

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<Jobs.AccrualJob>().RunAsync(taskId, CancellationToken.None);
        })));

        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.ResellerCommissions.CountAsync(c => c.InvoiceId == invoiceId)));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.ResellerCommissionAccrued && a.Data.Contains(invoiceId.ToString()))));
    }
}
