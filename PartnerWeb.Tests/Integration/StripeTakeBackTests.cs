using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The app against a local fake of Stripe's API, with Acme approved and its CRM add-on listed at 30%.</summary>
public sealed class TakeBackFixture : IAsyncLifetime
{
    public FakeStripe Stripe { get; private set; } = null!;
    public PartnerWebFactory App { get; private set; } = null!;
    public Guid PartnerId { get; private set; }
    public Guid ItemId { get; private set; }

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        App = PartnerWebFactory.On(null, new Dictionary<string, string?>(Stripe.Settings) { ["RateLimiting:PartnerWrites:PermitLimit"] = "10000" });
        PartnerId = await PartnerFlows.ApprovedPartnerAsync(App, Demo.AcmeOwner);
        ItemId = await Flows.ItemIdAsync(App, "Acme CRM Add-on");
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        await PartnerFlows.CreateListingAsync(admin, PartnerId, ItemId, "percent", 30m);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>
/// Issue 15, items 3 to 7: refunds and disputes reach the invoice through the payment they name (never
/// through metadata, which Stripe leaves empty on them), each refund counts once, disputes move money as
/// it really moves, and what came before its payment waits for it. Every event is a whole Stripe object.
/// </summary>
public sealed partial class StripeTakeBackTests(TakeBackFixture fixture) : IClassFixture<TakeBackFixture>
{
    private PartnerWebFactory App => fixture.App;

    /// <summary>An open invoice of 12900 USD of a reseller's child tenant (so a reseller commission accrues too).</summary>
    private async Task<StripeSale> OpenSaleAsync(HttpClient customer) => StripeSale.For(await Flows.InstallAsync(customer, fixture.ItemId), 12900);

    /// <summary>Everything the take-backs of an invoice decide, once the reversal jobs are done.</summary>
    private sealed record State(InvoiceStatus Status, long Refunded, long ByRefunds, long ByDisputes, long Gross, long Commission, long PartnerNet, long Reseller, int Accruals);

    private async Task<State> StateAsync(Guid invoiceId)
    {
        await Flows.EventuallyAsync(() => Flows.QueryAsync(App, db => db.AccrualTasks.Where(t => t.InvoiceId == invoiceId).AllAsync(t => t.CompletedAt != null)),
            "accruals and reversals of the invoice");
        return await Flows.QueryAsync(App, async db =>
        {
            var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoiceId);
            var refunds = await db.InvoiceRefunds.AsNoTracking().Where(r => r.InvoiceId == invoiceId).ToListAsync();
            var earnings = await db.PartnerEarnings.AsNoTracking().Where(e => e.InvoiceId == invoiceId).ToListAsync();
            var reseller = await db.ResellerCommissions.AsNoTracking().Where(c => c.InvoiceId == invoiceId).SumAsync(c => c.Amount);
            return new State(invoice.Status, invoice.RefundedAmount,
                refunds.Where(r => r.Source == RefundSource.StripeRefund).Sum(r => r.Amount), refunds.Where(r => r.Source == RefundSource.StripeDispute).Sum(r => r.Amount),
                earnings.Sum(e => e.GrossAmount), earnings.Sum(e => e.CommissionAmount), earnings.Sum(e => e.PartnerNet), reseller,
                earnings.Count(e => e.Kind == EntryKind.Accrual));
        });
    }

    private Task<List<InvoiceRefund>> RefundRowsAsync(Guid invoiceId) =>
        Flows.QueryAsync(App, db => db.InvoiceRefunds.AsNoTracking().Where(r => r.InvoiceId == invoiceId).OrderBy(r => r.CumulativeRefunded).ToListAsync());

    [Fact]
    public async Task A_checkout_payment_then_a_partial_refund_and_a_dispute_withdrawn_and_won_leave_exactly_the_expected_entries()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);
        Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));

        // The charge names no invoice; its payment intent is the one Checkout paid with.
        Assert.Equal("refunded", await StripeSale.DeliverAsync(customer, sale.ChargeRefunded(3000)));
        Assert.Equal(new State(InvoiceStatus.PartiallyRefunded, 3000, 3000, 0, 12900 - 3000, 3870 - 900, 9030 - 2100, 1290 - 300, 1), await StateAsync(sale.InvoiceId));

        // A chargeback of 5000 of the rest: withdrawn, then won.
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.created", $"dp_{sale.Intent}", 5000, "needs_response")));
        Assert.Equal("disputed", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.funds_withdrawn", $"dp_{sale.Intent}", 5000, "needs_response", withdrawn: true)));
        Assert.Equal(new State(InvoiceStatus.PartiallyRefunded, 8000, 3000, 5000, 12900 - 8000, 3870 - 2400, 9030 - 5600, 1290 - 800, 1), await StateAsync(sale.InvoiceId));
        Assert.Equal("reinstated", await StripeSale.DeliverAsync(customer,
            sale.Dispute("charge.dispute.closed", $"dp_{sale.Intent}", 5000, "won", withdrawn: true, reinstated: true)));
        Assert.Equal(new State(InvoiceStatus.PartiallyRefunded, 3000, 3000, 0, 12900 - 3000, 3870 - 900, 9030 - 2100, 1290 - 300, 1), await StateAsync(sale.InvoiceId));

        var rows = (await RefundRowsAsync(sale.InvoiceId)).OrderBy(r => r.CreatedAt).ThenBy(r => r.Source).ToList();
        Assert.Equal([(RefundSource.StripeRefund, 3000L), (RefundSource.StripeDispute, 5000L), (RefundSource.StripeDispute, -5000L)],
            rows.Select(r => (r.Source, r.Amount)).ToList());
        var actions = await Flows.QueryAsync(App, db => db.AuditEvents.Where(a => a.EntityId == sale.InvoiceId).Select(a => a.Action).ToListAsync());
        Assert.Equal(1, actions.Count(a => a == AuditActions.InvoiceDisputed));
        Assert.Equal(1, actions.Count(a => a == AuditActions.InvoiceDisputeReinstated));

        // The reinstatement is a new entry, never an edit: accrual, refund reversal, dispute reversal, reinstatement.
        var entries = await Flows.QueryAsync(App, db => db.PartnerEarnings.AsNoTracking().Where(e => e.InvoiceId == sale.InvoiceId).ToListAsync());
        Assert.Equal([-3500L, -2100L, 3500L, 9030L], entries.Select(e => e.PartnerNet).Order().ToList());

        // The partner reads why each entry is there, in the API and on the dashboard.
        using var acme = await App.ClientAsAsync(Demo.AcmeOwner);
        var items = (await (await acme.GetAsync("/api/partners/my/earnings?limit=200")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("invoiceId").GetGuid() == sale.InvoiceId).ToList();
        Assert.Equal([("dispute", -3500L), ("dispute_won", 3500L), ("refund", -2100L), ("sale", 9030L)],
            items.Select(i => (i.GetProperty("reason").GetString()!, i.GetProperty("partnerNet").GetInt64())).Order().ToList());
        using var browser = App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.AcmeOwner, PartnerWebFactory.Password);
        var page = await (await browser.GetAsync("/dashboard/partners")).Content.ReadAsStringAsync();
        Assert.Contains(">reinstated: dispute won<", page);
        Assert.Contains(">dispute<", page);
    }

    [Fact]
    public async Task A_refund_delivered_before_its_payment_waits_for_it_and_ends_reversed()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);

        Assert.Equal("parked", await StripeSale.DeliverAsync(customer, sale.Refund("refund.created", $"re_{sale.Intent}", 12900)));
        Assert.Equal(InvoiceStatus.Open, (await StateAsync(sale.InvoiceId)).Status);

        Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));
        Assert.Equal(new State(InvoiceStatus.Refunded, 12900, 12900, 0, 0, 0, 0, 0, 1), await StateAsync(sale.InvoiceId));
    }

    [Fact]
    public async Task The_reconcile_job_settles_what_was_parked_when_the_payment_was_recorded_without_it()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);
        Assert.Equal("parked", await StripeSale.DeliverAsync(customer, sale.ChargeRefunded(4000)));
        // As if the instance had stopped between recording the payment and settling what waited for it.
        using (var scope = App.Services.CreateScope())
        {
            var payments = scope.ServiceProvider.GetRequiredService<Features.Billing.InvoicePayments>();
            Assert.Equal(Features.Billing.PaymentOutcome.Paid, await payments.PayAsync(new Features.Billing.PaymentClaim(sale.InvoiceId, PaymentMethod.Stripe, "cs_lost",
                12900, "usd", new Features.Billing.StripeEventRef($"evt_lost_{sale.Intent}", "checkout.session.completed"), sale.Intent), default));
        }
        Assert.Equal(0, (await StateAsync(sale.InvoiceId)).Refunded);

        using (var scope = App.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<Jobs.SettleParkedTakeBacksJob>().RunAsync(default) >= 1);
        var settled = await StateAsync(sale.InvoiceId);
        Assert.Equal((InvoiceStatus.PartiallyRefunded, 4000L), (settled.Status, settled.Refunded));
    }

    [Fact]
    public async Task A_refund_seen_as_its_own_object_and_in_the_charges_total_counts_once_and_a_failed_refund_puts_the_money_back()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);
        Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));

        Assert.Equal("refunded", await StripeSale.DeliverAsync(customer, sale.Refund("refund.created", "re_first", 2000, "pending")));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.ChargeRefunded(2000)));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Refund("refund.updated", "re_first", 2000)));
        // A second refund shows in the charge's total before its own event: counted from the total, and not again by its event.
        Assert.Equal("refunded", await StripeSale.DeliverAsync(customer, sale.ChargeRefunded(2500)));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Refund("refund.created", "re_second", 500)));
        Assert.Equal(2500, (await StateAsync(sale.InvoiceId)).Refunded);

        // The first refund fails: its 2000 come back as new entries.
        Assert.Equal("reinstated", await StripeSale.DeliverAsync(customer, sale.Refund("refund.failed", "re_first", 2000, "failed")));
        var state = await StateAsync(sale.InvoiceId);
        Assert.Equal((InvoiceStatus.PartiallyRefunded, 500L, 9030L - 350), (state.Status, state.Refunded, state.PartnerNet));
        Assert.Equal([-2000L, 500L, 2000L], (await RefundRowsAsync(sale.InvoiceId)).Select(r => r.Amount).Order().ToList());
        var actions = await Flows.QueryAsync(App, db => db.AuditEvents.Where(a => a.EntityId == sale.InvoiceId).Select(a => a.Action).ToListAsync());
        Assert.Equal(1, actions.Count(a => a == AuditActions.InvoiceRefundFailed));
    }

    [Fact]
    public async Task An_inquiry_moves_nothing_and_a_lost_dispute_stays_reversed()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);
        Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));

        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.created", "dp_inquiry", 12900, "warning_needs_response")));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.closed", "dp_inquiry", 12900, "warning_closed")));
        Assert.Equal(InvoiceStatus.Paid, (await StateAsync(sale.InvoiceId)).Status);

        // A created dispute whose funds were already withdrawn (its balance transactions show it) moves them at once.
        Assert.Equal("disputed", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.created", "dp_real", 12900, "needs_response", withdrawn: true)));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.funds_withdrawn", "dp_real", 12900, "needs_response", withdrawn: true)));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.closed", "dp_real", 12900, "lost", withdrawn: true)));
        Assert.Equal(new State(InvoiceStatus.Refunded, 12900, 0, 12900, 0, 0, 0, 0, 1), await StateAsync(sale.InvoiceId));
    }

    [Fact]
    public async Task Take_backs_of_payments_recorded_nowhere_are_parked_and_move_nothing()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var stranger = StripeSale.For(Guid.NewGuid(), 5000);
        var before = await Flows.QueryAsync(App, db => db.InvoiceRefunds.CountAsync());

        Assert.Equal("parked", await StripeSale.DeliverAsync(customer, stranger.Dispute("charge.dispute.funds_withdrawn", "dp_stranger", 5000, "needs_response", withdrawn: true)));
        Assert.Equal("parked", await StripeSale.DeliverAsync(customer, stranger.ChargeRefunded(5000)));

        Assert.Equal(before, await Flows.QueryAsync(App, db => db.InvoiceRefunds.CountAsync()));
    }

    [Fact]
    public async Task An_admin_refund_of_a_Stripe_paid_invoice_goes_to_Stripe_once_and_its_events_change_nothing()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);
        Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));
        fixture.Stripe.ChargesByIntent[sale.Intent] = sale.Charge;
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);

        async Task<HttpResponseMessage> RefundAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/billing/invoices/{sale.InvoiceId}/refund")
            {
                Content = JsonContent.Create(new { amount = 4000, reason = "customer asked" }),
            };
            request.Headers.Add("Idempotency-Key", $"ticket-{sale.Intent}");
            return await admin.SendAsync(request);
        }
        var first = await (await RefundAsync()).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("partially_refunded", 4000L), (first.GetProperty("status").GetString(), first.GetProperty("refundedAmount").GetInt64()));
        await (await RefundAsync()).AssertJsonAsync(HttpStatusCode.OK);

        // The repeat is answered from the refund its key made, without asking Stripe again.
        var call = Assert.Single(fixture.Stripe.Calls, c => c.Path == "/v1/refunds" && c.Form.GetValueOrDefault("payment_intent") == sale.Intent);
        Assert.Equal($"refund-{sale.InvoiceId:N}-ticket-{sale.Intent}", call.IdempotencyKey);
        Assert.Equal(("4000", sale.InvoiceId.ToString()), (call.Form["amount"], call.Form["metadata[invoiceId]"]));

        var refundId = await Flows.QueryAsync(App, db => db.StripeAdjustments.Where(a => a.PaymentIntentId == sale.Intent && a.Kind == StripeAdjustmentKind.Refund)
            .Select(a => a.ObjectId).SingleAsync());
        Assert.StartsWith("re_", refundId);
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Refund("refund.created", refundId, 4000)));
        Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.ChargeRefunded(4000)));
        var row = Assert.Single(await RefundRowsAsync(sale.InvoiceId));
        Assert.Equal((4000L, "customer asked"), (row.Amount, row.Reason));
        Assert.NotNull(row.ActorUserId);
        Assert.Equal(9030 - 2800, (await StateAsync(sale.InvoiceId)).PartnerNet);
    }

    [Fact]
    public async Task An_admin_refund_without_a_key_clicked_twice_is_one_refund_and_Stripes_refusal_is_a_conflict()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var sale = await OpenSaleAsync(customer);
        Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));
        fixture.Stripe.ChargesByIntent[sale.Intent] = sale.Charge;
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var url = $"/api/billing/invoices/{sale.InvoiceId}/refund";

        List<string?> Keys() => fixture.Stripe.Calls.Where(c => c.Path == "/v1/refunds" && c.Form.GetValueOrDefault("payment_intent") == sale.Intent).Select(c => c.IdempotencyKey).ToList();
        // A double click: both requests have read the invoice and asked Stripe before either is answered. (Once the
        // first has landed, a click without a key is a new refund of the rest; pages send a key of their own.)
        fixture.Stripe.HoldAnswersTo = "/v1/refunds";
        var pending = Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => admin.PostAsJsonAsync(url, new { amount = 1000 }))));
        await Flows.EventuallyAsync(() => Task.FromResult(Keys().Count == 2), "both clicks asking Stripe", timeoutSeconds: 30);
        fixture.Stripe.HoldAnswersTo = null;
        fixture.Stripe.Release.TrySetResult();
        var clicks = await pending;
        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
        var keys = Keys();
        Assert.Equal([$"refund-{sale.InvoiceId:N}-0-1000", $"refund-{sale.InvoiceId:N}-0-1000"], keys);
        Assert.Equal(1000, (await StateAsync(sale.InvoiceId)).Refunded);
        // Each request is on record with who made it; one refund moved money.
        Assert.Equal((2, 1), await Flows.QueryAsync(App, async db => (
            await db.AuditEvents.CountAsync(a => a.EntityId == sale.InvoiceId && a.Action == AuditActions.InvoiceRefundRequested),
            await db.AuditEvents.CountAsync(a => a.EntityId == sale.InvoiceId && a.Action == AuditActions.InvoiceRefunded))));

        // A second refund of the same amount, later, is another refund.
        await (await admin.PostAsJsonAsync(url, new { amount = 1000 })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2000, (await StateAsync(sale.InvoiceId)).Refunded);

        fixture.Stripe.Refuses = true;
        try
        {
            var refused = await (await admin.PostAsJsonAsync(url, new { amount = 500 })).AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.StartsWith("Stripe refused the refund", refused.GetProperty("title").GetString());
        }
        finally
        {
            fixture.Stripe.Refuses = false;
        }
        Assert.Equal(2000, (await StateAsync(sale.InvoiceId)).Refunded);
    }
}
