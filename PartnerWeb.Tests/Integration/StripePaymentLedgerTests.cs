using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 15, item 3: every Stripe payment of an invoice is a row of the payments ledger, with the payment
/// intent and charge its events name, read from whole events shaped as Stripe sends them.
/// </summary>
public sealed class StripePaymentLedgerTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<(HttpClient Customer, Guid InvoiceId)> OpenInvoiceAsync()
    {
        var customer = await factory.ClientAsAsync(Demo.GlobexOwner);
        return (customer, await Flows.InstallAsync(customer, await Flows.ItemIdAsync(factory, "Acme CRM Add-on")));
    }

    private Task<List<Domain.StripePaymentRecord>> LedgerAsync(Guid invoiceId) =>
        Flows.QueryAsync(factory, db => db.StripePayments.AsNoTracking().Where(p => p.InvoiceId == invoiceId).ToListAsync());

    private static async Task<string> OutcomeAsync(HttpClient client, string payload) =>
        (await (await Flows.PostSignedWebhookAsync(client, payload)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString()!;

    [Fact]
    public async Task A_completed_checkout_records_its_payment_intent_and_the_intents_own_event_finds_it_paid()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var (intent, charge) = ($"pi_{suffix}", $"ch_{suffix}");
        var session = StripeObjects.CheckoutSession($"cs_test_{suffix}", invoiceId.ToString(), StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd",
            $"https://app.example/billing/invoices/{invoiceId}?checkout=success", null, status: "complete", paymentStatus: "paid", paymentIntent: intent);
        var completed = StripeObjects.Event($"evt_cs_{suffix}", "checkout.session.completed", session);

        Assert.Equal("paid", await OutcomeAsync(customer, completed));

        var row = Assert.Single(await LedgerAsync(invoiceId));
        Assert.Equal((intent, (string?)null, 12900L, "USD", $"evt_cs_{suffix}"), (row.PaymentIntentId, row.ChargeId, row.Amount, row.Currency, row.EventId));

        // The same payment's own event: the invoice is paid already, and the payment is not recorded twice.
        var succeeded = StripeObjects.Event($"evt_pi_{suffix}", "payment_intent.succeeded",
            StripeObjects.PaymentIntent(intent, StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd", charge));
        Assert.Equal("alreadypaid", await OutcomeAsync(customer, succeeded));
        // ... but its event names the charge, which the row takes.
        var filled = Assert.Single(await LedgerAsync(invoiceId));
        Assert.Equal((intent, charge), (filled.PaymentIntentId, filled.ChargeId));
    }

    [Fact]
    public async Task A_second_payment_is_an_overpayment_listed_for_admins_and_its_refund_leaves_the_invoice_alone()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var paid = StripeSale.For(invoiceId, 12900);
        Assert.Equal("paid", await OutcomeAsync(customer, paid.CheckoutCompleted()));
        // The customer paid again, in a second Checkout Session.
        var again = StripeSale.For(invoiceId, 12900);
        var second = again.CheckoutCompleted($"evt_cs_{again.Intent}");
        Assert.Equal("overpaid", await OutcomeAsync(customer, second));
        Assert.Equal("duplicate", await OutcomeAsync(customer, second));
        // The second payment's own intent event finds it recorded: one overpayment, now with its charge.
        Assert.Equal("alreadypaid", await OutcomeAsync(customer, StripeObjects.Event($"evt_pi_{again.Intent}", "payment_intent.succeeded",
            StripeObjects.PaymentIntent(again.Intent, StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd", again.Charge))));

        var ledger = await LedgerAsync(invoiceId);
        Assert.Equal([false, true], ledger.OrderBy(p => p.Overpayment).Select(p => p.Overpayment).ToList());
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == invoiceId && a.Action == Features.Audit.AuditActions.InvoiceOverpaid)));

        Assert.Equal("overpayment", await OutcomeAsync(customer, again.ChargeRefunded(12900)));
        var invoice = await (await admin.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("paid", 0L), (invoice.GetProperty("status").GetString(), invoice.GetProperty("refundedAmount").GetInt64()));

        var listed = (await (await admin.GetAsync("/api/billing/overpayments?limit=200")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Single(o => o.GetProperty("invoiceId").GetGuid() == invoiceId);
        Assert.Equal((again.Intent, 12900L, 12900L, 0L), (listed.GetProperty("paymentIntentId").GetString(), listed.GetProperty("amount").GetInt64(),
            listed.GetProperty("refundedAmount").GetInt64(), listed.GetProperty("outstandingAmount").GetInt64()));
        await (await customer.GetAsync("/api/billing/overpayments")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_succeeded_payment_intent_records_the_intent_and_its_charge()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var succeeded = StripeObjects.Event($"evt_pi_{suffix}", "payment_intent.succeeded",
            StripeObjects.PaymentIntent($"pi_{suffix}", StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd", $"ch_{suffix}"));

        Assert.Equal("paid", await OutcomeAsync(customer, succeeded));

        var row = Assert.Single(await LedgerAsync(invoiceId));
        Assert.Equal(($"pi_{suffix}", $"ch_{suffix}"), (row.PaymentIntentId, row.ChargeId));
    }

    [Fact]
    public async Task A_manual_payment_is_no_Stripe_payment()
    {
        var (_, invoiceId) = await OpenInvoiceAsync();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = "wire 42" })).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Empty(await LedgerAsync(invoiceId));
    }

    [Fact]
    public async Task A_payment_first_reported_without_its_ids_is_adopted_by_its_intents_event_and_its_refunds_reach_the_invoice()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        // As an invoice.paid whose payments Stripe did not include: paid, with no payment to record.
        using (var scope = factory.Services.CreateScope())
            Assert.Equal(Features.Billing.PaymentOutcome.Paid, await scope.ServiceProvider.GetRequiredService<Features.Billing.InvoicePayments>().PayAsync(
                new Features.Billing.PaymentClaim(invoiceId, Domain.PaymentMethod.Stripe, "in_noids", 12900, "usd",
                    new Features.Billing.StripeEventRef($"evt_noids_{invoiceId:N}", "invoice.paid")), default));
        Assert.Empty(await LedgerAsync(invoiceId));

        var sale = StripeSale.For(invoiceId, 12900);
        Assert.Equal("alreadypaid", await OutcomeAsync(customer, StripeObjects.Event($"evt_pi_{sale.Intent}", "payment_intent.succeeded",
            StripeObjects.PaymentIntent(sale.Intent, StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd", sale.Charge))));
        Assert.False(Assert.Single(await LedgerAsync(invoiceId)).Overpayment);

        Assert.Equal("refunded", await OutcomeAsync(customer, sale.Refund("refund.created", $"re_{sale.Intent}", 2900)));
        Assert.Equal(2900, await Flows.QueryAsync(factory, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync()));
    }

    [Fact]
    public async Task A_payment_of_the_wrong_amount_leaves_the_invoice_open_and_is_recorded_apart_for_admins()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var wrong = StripeSale.For(invoiceId, 100);
        Assert.Equal("mismatch", await OutcomeAsync(customer, StripeObjects.Event($"evt_pi_{wrong.Intent}", "payment_intent.succeeded",
            StripeObjects.PaymentIntent(wrong.Intent, StripeObjects.InvoiceMetadata(invoiceId), 100, "usd", wrong.Charge))));
        Assert.Equal("mismatch", await OutcomeAsync(customer, wrong.CheckoutCompleted()));

        var row = Assert.Single(await LedgerAsync(invoiceId));
        Assert.Equal((true, 100L, wrong.Intent), (row.Overpayment, row.Amount, row.PaymentIntentId));
        Assert.Equal("open", await Flows.InvoiceStatusAsync(customer, invoiceId));
    }
}
