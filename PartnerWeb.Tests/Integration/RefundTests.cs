using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Refunds and disputes claw back: reversal entries at the original rate, netted in the next payout.</summary>
public sealed class RefundTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private async Task<(Guid PartnerId, Guid InvoiceId, HttpClient Admin)> SoldToChildAsync()
    {
        var partnerId = await factory.AcmePartnerAsync();
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var invoiceId = await Flows.InstallAsync(child, itemId);
        var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        await PartnerFlows.EarningExistsAsync(factory, invoiceId, partnerId);
        return (partnerId, invoiceId, admin);
    }

    private Task AccruedAsync(Guid invoiceId) => Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db =>
        db.AccrualTasks.Where(t => t.InvoiceId == invoiceId).AllAsync(t => t.CompletedAt != null)), "accruals and reversals of the invoice");

    private Task<List<PartnerEarning>> EntriesAsync(Guid invoiceId) =>
        Flows.QueryAsync(factory, db => db.PartnerEarnings.AsNoTracking().Where(e => e.InvoiceId == invoiceId).OrderBy(e => e.CreatedAt).ToListAsync());

    /// <summary>Pays out whatever the partner is owed, so each test starts from a clean balance.</summary>
    private static async Task SettleAsync(HttpClient admin, Guid partnerId)
    {
        var generated = await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null);
        Assert.Contains(generated.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created });
    }

    [Fact]
    public async Task A_full_refund_before_payout_nets_to_zero_and_makes_no_payout()
    {
        var (partnerId, invoiceId, admin) = await SoldToChildAsync();
        await SettleAsync(admin, partnerId);
        var (_, second, _) = await SoldToChildAsync();

        var refunded = await (await admin.PostAsJsonAsync($"/api/billing/invoices/{second}/refund", new { reason = "customer changed their mind" })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("refunded", 12900L), (refunded.GetProperty("status").GetString(), refunded.GetProperty("refundedAmount").GetInt64()));
        await AccruedAsync(second);

        var entries = await EntriesAsync(second);
        Assert.Equal(2, entries.Count);
        var reversal = entries.Single(e => e.Kind == EntryKind.Reversal);
        Assert.Equal((-12900L, -3870L, -9030L), (reversal.GrossAmount, reversal.CommissionAmount, reversal.PartnerNet));
        Assert.Equal(entries.Single(e => e.Kind == EntryKind.Accrual).Id, reversal.ReversesEarningId);
        Assert.Equal(0, entries.Sum(e => e.PartnerNet));

        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, generated.GetProperty("payouts").GetArrayLength());
        var commissions = await Flows.QueryAsync(factory, db => db.ResellerCommissions.Where(c => c.InvoiceId == second).ToListAsync());
        Assert.Equal(0, commissions.Sum(c => c.Amount));
        Assert.Equal(2, commissions.Count);
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.PartnerEarningReversed && a.EntityId == reversal.Id)));
        _ = invoiceId;
    }

    [Fact]
    public async Task A_partial_refund_after_payout_is_deducted_from_the_next_payout_to_the_minor_unit()
    {
        var (partnerId, invoiceId, admin) = await SoldToChildAsync();
        await SettleAsync(admin, partnerId);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        async Task<long> BalanceAsync() => (await (await acme.GetAsync("/api/partners/my/earnings")).AssertJsonAsync(HttpStatusCode.OK))
            .GetProperty("balances").EnumerateArray().Where(b => b.GetProperty("currency").GetString() == "USD").Sum(b => b.GetProperty("balance").GetInt64());
        var settled = await BalanceAsync();

        // 3333 of 12900 refunded: gross −3333, commission −round(3870 × 3333/12900) = −1000, net −2333.
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = 3333 })).AssertJsonAsync(HttpStatusCode.OK);
        await AccruedAsync(invoiceId);
        var reversal = (await EntriesAsync(invoiceId)).Single(e => e.Kind == EntryKind.Reversal);
        Assert.Equal((-3333L, -1000L, -2333L), (reversal.GrossAmount, reversal.CommissionAmount, reversal.PartnerNet));

        // Alone, the negative balance makes no payout; it carries forward.
        Assert.Equal(settled - 2333, await BalanceAsync());
        Assert.True(settled - 2333 <= 0, "everything earlier was settled");
        var none = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("payouts").GetArrayLength());

        // The next sale's payout is 9030 − 2333.
        var (_, next, _) = await SoldToChildAsync();
        var payout = (await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("payouts")[0];
        Assert.Equal(settled + 9030 - 2333, payout.GetProperty("amount").GetInt64());

        // Refunding the rest reverses exactly what is left of the original.
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { })).AssertJsonAsync(HttpStatusCode.OK);
        await AccruedAsync(invoiceId);
        Assert.Equal(0, (await EntriesAsync(invoiceId)).Sum(e => e.PartnerNet));
        Assert.Equal(0, (await EntriesAsync(invoiceId)).Sum(e => e.GrossAmount));
        _ = next;
    }

    /// <summary>A sale to a child tenant paid through Stripe Checkout (so its refunds and disputes find it by payment intent).</summary>
    private async Task<(StripeSale Sale, HttpClient Admin)> StripeSoldToChildAsync()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var sale = StripeSale.For(await Flows.InstallAsync(child, await Flows.ItemIdAsync(factory, "Acme CRM Add-on")), 12900);
        Assert.Equal("paid", await StripeSale.DeliverAsync(child, sale.CheckoutCompleted()));
        await PartnerFlows.EarningExistsAsync(factory, sale.InvoiceId, partnerId);
        return (sale, await factory.ClientAsAsync(Demo.PlatformAdmin));
    }

    [Fact]
    public async Task A_refund_webhook_delivered_ten_times_at_once_reverses_once_and_later_events_refund_the_rest()
    {
        var (sale, admin) = await StripeSoldToChildAsync();
        var invoiceId = sale.InvoiceId;
        var payload = sale.ChargeRefunded(6450);
        using var stripe = factory.CreateApiClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Flows.PostSignedWebhookAsync(stripe, payload))));
        var outcomes = new List<string>();
        foreach (var r in responses) outcomes.Add((await r.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString()!);
        Assert.Equal(1, outcomes.Count(o => o == "refunded"));
        Assert.Equal(9, outcomes.Count(o => o == "duplicate"));
        await AccruedAsync(invoiceId);

        var reversal = Assert.Single(await EntriesAsync(invoiceId), e => e.Kind == EntryKind.Reversal);
        Assert.Equal((-6450L, -1935L, -4515L), (reversal.GrossAmount, reversal.CommissionAmount, reversal.PartnerNet));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.InvoiceRefunds.CountAsync(r => r.InvoiceId == invoiceId)));
        Assert.Equal("partially_refunded", (await (await admin.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());

        // Stripe's amount_refunded is cumulative: a later event for 9000 refunds 2550 more.
        Assert.Equal("refunded", await StripeSale.DeliverAsync(stripe, sale.ChargeRefunded(9000)));
        Assert.Equal(9000, await Flows.QueryAsync(factory, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync()));

        // The whole charge refunded: the invoice is refunded and the partner's entries for it net to exactly zero.
        Assert.Equal("refunded", await StripeSale.DeliverAsync(stripe, sale.ChargeRefunded(12900)));
        Assert.Equal("refunded", (await (await admin.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await AccruedAsync(invoiceId);
        var entries = await EntriesAsync(invoiceId);
        Assert.Equal(4, entries.Count);
        Assert.Equal((0L, 0L, 0L), (entries.Sum(e => e.GrossAmount), entries.Sum(e => e.CommissionAmount), entries.Sum(e => e.PartnerNet)));
        ReliabilityFigures.Record("Races: refunds", "1 charge.refunded delivered 10× at once: 1 refund, 1 reversal per accrual, 9 acknowledged as duplicates");
    }

    [Fact]
    public async Task A_dispute_whose_funds_are_withdrawn_reverses_its_amount_with_empty_metadata()
    {
        var (sale, admin) = await StripeSoldToChildAsync();
        var withdrawn = sale.Dispute("charge.dispute.funds_withdrawn", $"dp_{sale.Intent}", 12900, "needs_response", withdrawn: true);
        Assert.Equal("disputed", await StripeSale.DeliverAsync(admin, withdrawn));
        await AccruedAsync(sale.InvoiceId);
        Assert.Equal(0, (await EntriesAsync(sale.InvoiceId)).Sum(e => e.PartnerNet));
        Assert.Equal("refunded", (await (await admin.GetAsync($"/api/billing/invoices/{sale.InvoiceId}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Refunds_beyond_what_is_left_or_of_unpaid_invoices_are_refused_and_write_nothing()
    {
        var (_, invoiceId, admin) = await SoldToChildAsync();
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = 10000 })).AssertJsonAsync(HttpStatusCode.OK);
        await AccruedAsync(invoiceId);
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var open = await Flows.InstallAsync(globex, await Flows.TemplateIdAsync(factory));
        var before = await Flows.QueryAsync(factory, async db => (await db.InvoiceRefunds.CountAsync(), await db.AuditEvents.CountAsync(), await db.AccrualTasks.CountAsync()));

        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = 2901 })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = -5 })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = "100" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{Guid.NewGuid()}/refund", new { })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{open}/refund", new { })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await globex.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(before, await Flows.QueryAsync(factory, async db => (await db.InvoiceRefunds.CountAsync(), await db.AuditEvents.CountAsync(), await db.AccrualTasks.CountAsync())));
        Assert.Equal(10000, await Flows.QueryAsync(factory, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync()));
    }

    [Fact]
    public async Task The_same_idempotency_key_refunds_once()
    {
        var (_, invoiceId, admin) = await SoldToChildAsync();
        async Task<HttpResponseMessage> Refund()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/billing/invoices/{invoiceId}/refund") { Content = JsonContent.Create(new { amount = 1000 }) };
            request.Headers.Add("Idempotency-Key", "refund-ticket-42");
            return await admin.SendAsync(request);
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(Refund)));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1000, await Flows.QueryAsync(factory, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync()));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.InvoiceRefunds.CountAsync(r => r.InvoiceId == invoiceId)));
        await AccruedAsync(invoiceId);
    }

    [Fact]
    public async Task Statements_stream_every_entry_as_csv()
    {
        var (partnerId, invoiceId, admin) = await SoldToChildAsync();
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = 129 })).AssertJsonAsync(HttpStatusCode.OK);
        await AccruedAsync(invoiceId);
        var csv = await admin.GetAsync($"/api/partners/{partnerId}/earnings.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", csv.Content.Headers.ContentDisposition?.ToString());
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[3] == invoiceId.ToString()).ToList();
        Assert.Equal(["accrual", "reversal"], rows.Select(r => r[2]).Order());
        Assert.Equal(9030 - 90, rows.Sum(r => long.Parse(r[7])));
        Assert.Equal("invoiceNumber,item,reason", string.Join(',', lines[0].Split(',')[12..]));
        Assert.All(rows, r => Assert.Matches("^INV-", r[12]));
        Assert.All(rows, r => Assert.Equal("Acme CRM Add-on", r[13]));
        Assert.Equal(["refund", "sale"], rows.Select(r => r[14]).Order());

        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payout = generated.GetProperty("payouts")[0];
        var statement = await (await admin.GetAsync($"/api/partners/{partnerId}/payouts/{payout.GetProperty("id").GetGuid()}/statement.csv")).Content.ReadAsStringAsync();
        var nets = statement.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Sum(l => long.Parse(l.Split(',')[7]));
        Assert.Equal(payout.GetProperty("amount").GetInt64(), nets);
        Assert.Contains(statement.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), l => l.EndsWith(",Acme CRM Add-on,sale"));
    }

    [Fact]
    public async Task An_idempotency_key_is_the_invoices_own_and_reused_for_another_request_is_refused()
    {
        var (_, first, admin) = await SoldToChildAsync();
        var (_, second, _) = await SoldToChildAsync();
        async Task<HttpResponseMessage> RefundAsync(Guid invoiceId, long amount)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/billing/invoices/{invoiceId}/refund") { Content = JsonContent.Create(new { amount }) };
            request.Headers.Add("Idempotency-Key", "ticket-7");
            return await admin.SendAsync(request);
        }

        await (await RefundAsync(first, 1000)).AssertJsonAsync(HttpStatusCode.OK);
        // The same key on another invoice is that invoice's refund, not a repeat of the first.
        Assert.Equal(1000, (await (await RefundAsync(second, 1000)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("refundedAmount").GetInt64());
        // The same key and request: a repeat; another request with it: refused, nothing written.
        Assert.Equal(1000, (await (await RefundAsync(first, 1000)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("refundedAmount").GetInt64());
        var before = await Flows.QueryAsync(factory, db => db.InvoiceRefunds.CountAsync());
        var reused = await (await RefundAsync(first, 2000)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("This Idempotency-Key was used on this invoice for a different refund request.", reused.GetProperty("title").GetString());
        Assert.Equal(before, await Flows.QueryAsync(factory, db => db.InvoiceRefunds.CountAsync()));
        Assert.Equal(1000, await Flows.QueryAsync(factory, db => db.Invoices.Where(i => i.Id == first).Select(i => i.RefundedAmount).SingleAsync()));
        await AccruedAsync(first);
        await AccruedAsync(second);
    }
}
