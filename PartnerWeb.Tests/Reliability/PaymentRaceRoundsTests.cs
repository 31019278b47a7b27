using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;
using PartnerWeb.Tests.Integration;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// Issue 7 item 3: 50 identical deliveries, the 3 other paid event types and 5 manual approvals race
/// for one invoice, 20 rounds over. Each round must make one payment and one of every accrual.
/// </summary>
public sealed class PaymentRaceRoundsTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private const int Rounds = 20;
    private const int Duplicates = 50;
    private const int ManualApprovals = 5;

    [Fact]
    public async Task Twenty_rounds_of_racing_payments_each_pay_once_and_accrue_once()
    {
        var partnerId = await factory.AcmePartnerAsync();
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var stripe = factory.CreateApiClient();
        var clock = Stopwatch.StartNew();
        var invoices = new List<Guid>();
        var winners = 0;

        for (var round = 0; round < Rounds; round++)
        {
            var invoiceId = await Flows.InstallAsync(child, itemId);
            invoices.Add(invoiceId);
            var same = StripeSigner.InvoicePaid($"evt_round{round}_same", invoiceId, 12900);
            var calls = new List<Func<Task<(bool Won, HttpStatusCode Status)>>>();
            calls.AddRange(Enumerable.Range(0, Duplicates).Select(_ => Webhook(stripe, same)));
            calls.Add(Webhook(stripe, StripeSigner.InvoicePaid($"evt_round{round}_succeeded", invoiceId, 12900, type: "invoice.payment_succeeded")));
            calls.Add(Webhook(stripe, StripeSigner.CheckoutCompleted($"evt_round{round}_checkout", invoiceId, 12900)));
            calls.Add(Webhook(stripe, StripeSigner.PaymentIntentSucceeded($"evt_round{round}_intent", invoiceId, 12900)));
            calls.AddRange(Enumerable.Range(0, ManualApprovals).Select(i => (Func<Task<(bool, HttpStatusCode)>>)(async () =>
            {
                var response = await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = $"r{round}-{i}" });
                return (response.StatusCode == HttpStatusCode.OK, response.StatusCode);
            })));

            var results = await Task.WhenAll(calls.Select(c => Task.Run(c)));
            Assert.All(results, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
            Assert.Equal(1, results.Count(r => r.Won));
            winners++;
        }

        await Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db =>
            db.AccrualTasks.Where(t => invoices.Contains(t.InvoiceId)).AllAsync(t => t.CompletedAt != null)), "every round's accrual", 60);

        var (paid, paidAudits, earnings, earningAudits, commissions, commissionAudits) = await Flows.QueryAsync(factory, async db => (
            await db.Invoices.CountAsync(i => invoices.Contains(i.Id) && i.Status == Domain.InvoiceStatus.Paid),
            await db.AuditEvents.CountAsync(a => invoices.Contains(a.EntityId) && a.Action == AuditActions.InvoicePaid),
            await db.PartnerEarnings.Where(e => invoices.Contains(e.InvoiceId!.Value)).ToListAsync(),
            await db.AuditEvents.CountAsync(a => a.Action == AuditActions.PartnerEarningAccrued && db.PartnerEarnings.Any(e => e.Id == a.EntityId && invoices.Contains(e.InvoiceId!.Value))),
            await db.ResellerCommissions.Where(c => invoices.Contains(c.InvoiceId)).ToListAsync(),
            await db.AuditEvents.CountAsync(a => a.Action == AuditActions.ResellerCommissionAccrued && db.ResellerCommissions.Any(c => c.Id == a.EntityId && invoices.Contains(c.InvoiceId)))));

        Assert.Equal(Rounds, paid);
        Assert.Equal(Rounds, paidAudits);
        Assert.Equal(Rounds, earnings.Count);
        Assert.Equal(Rounds, earnings.Select(e => e.InvoiceId!.Value).Distinct().Count());
        Assert.All(earnings, e => Assert.Equal((partnerId, 12900L, 3870L, 9030L), (e.PartnerId, e.GrossAmount, e.CommissionAmount, e.PartnerNet)));
        Assert.Equal(Rounds, earningAudits);
        Assert.Equal(Rounds, commissions.Count);
        Assert.All(commissions, c => Assert.Equal(1290, c.Amount));
        Assert.Equal(Rounds, commissionAudits);

        var requests = Rounds * (Duplicates + 3 + ManualApprovals);
        ReliabilityFigures.Record("Races: the invoice-paid moment",
            $"{Duplicates} duplicate deliveries + 3 other paid event types + {ManualApprovals} manual approvals × {Rounds} rounds ({requests} requests, {clock.Elapsed.TotalSeconds:F1} s): " +
            $"{winners} paid transitions, {paidAudits} INVOICE_PAID events, {earnings.Count} earnings, {commissions.Count} reseller commissions, 0 duplicates");
    }

    private static Func<Task<(bool Won, HttpStatusCode Status)>> Webhook(HttpClient client, string payload) => async () =>
    {
        var response = await Flows.PostSignedWebhookAsync(client, payload);
        var outcome = response.StatusCode == HttpStatusCode.OK ? Flows.Json(await response.Content.ReadAsStringAsync()).GetProperty("outcome").GetString() : null;
        return (outcome == "paid", response.StatusCode);
    };
}
