using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class StripeWebhookTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<(HttpClient Customer, Guid InvoiceId)> OpenInvoiceAsync()
    {
        var customer = await factory.ClientAsAsync(Demo.GlobexOwner);
        return (customer, await Flows.InstallAsync(customer, await Flows.TemplateIdAsync(factory)));
    }

    private Task<(int Events, int Audits)> CountsAsync() => Flows.QueryAsync(factory, async db =>
        (await db.ProcessedStripeEvents.CountAsync(), await db.AuditEvents.CountAsync()));

    public static TheoryData<string, int> RefusedSignatures => new()
    {
        { "wrong-secret", 0 },
        { "stale", -301 },
        // Well past the 300 s tolerance: a loaded machine may take seconds to reach the check, which brings a future time closer.
        { "future", 330 },
        { "missing", 0 },
        { "garbled", 0 },
        { "tampered", 0 },
    };

    [Theory]
    [MemberData(nameof(RefusedSignatures))]
    public async Task Bad_signatures_are_400_and_write_nothing(string kind, int offsetSeconds)
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var payload = StripeSigner.InvoicePaid($"evt_bad_{kind}_{Guid.NewGuid():N}", invoiceId, 4900);
        var at = DateTimeOffset.UtcNow.AddSeconds(offsetSeconds);
        var (body, signature) = kind switch
        {
            "wrong-secret" => (payload, StripeSigner.Header(payload, "whsec_not_ours", at)),
            "missing" => (payload, (string?)null),
            "garbled" => (payload, "this is not a signature"),
            "tampered" => (payload.Replace("4900", "4901"), StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, at)),
            _ => (payload, StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, at)),
        };
        var before = await CountsAsync();

        await (await Flows.PostWebhookAsync(customer, body, signature)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(before, await CountsAsync());
        Assert.Equal("open", await Flows.InvoiceStatusAsync(customer, invoiceId));
    }

    [Fact]
    public async Task A_signature_299_seconds_old_is_accepted()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var payload = StripeSigner.InvoicePaid($"evt_old_{Guid.NewGuid():N}", invoiceId, 4900);
        var response = await Flows.PostWebhookAsync(customer, payload, StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, DateTimeOffset.UtcNow.AddSeconds(-299)));
        Assert.Equal("paid", (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        Assert.Equal("paid", await Flows.InvoiceStatusAsync(customer, invoiceId));
    }

    [Theory]
    [InlineData("invoice.payment_succeeded")]
    [InlineData("checkout.session.completed")]
    [InlineData("checkout.session.completed/client_reference_id")]
    [InlineData("payment_intent.succeeded")]
    public async Task Every_paid_event_type_pays_the_invoice(string type)
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var id = $"evt_{Guid.NewGuid():N}";
        var payload = type switch
        {
            "invoice.payment_succeeded" => StripeSigner.InvoicePaid(id, invoiceId, 4900, type: type),
            "checkout.session.completed" => StripeSigner.CheckoutCompleted(id, invoiceId, 4900),
            "checkout.session.completed/client_reference_id" => StripeSigner.CheckoutCompleted(id, invoiceId, 4900, viaClientReference: true),
            _ => StripeSigner.PaymentIntentSucceeded(id, invoiceId, 4900),
        };
        var response = await Flows.PostSignedWebhookAsync(customer, payload);
        Assert.Equal("paid", (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        var invoice = await (await customer.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("stripe", invoice.GetProperty("paymentMethod").GetString());
        Assert.NotEqual(JsonValueKindNull, invoice.GetProperty("paidAt").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    /// <summary>
    /// Issue 15, item 1: a v2 "thin" notification (shaped as Stripe's v2.core.event: no data object, a
    /// related object instead), an event of the other mode and a connected account's event are answered
    /// 200 "ignored" and move nothing; 4xx would only make Stripe send them again.
    /// </summary>
    [Fact]
    public async Task Thin_events_the_other_livemode_and_connected_accounts_events_are_acknowledged_and_pay_nothing()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var before = await CountsAsync();
        var paid = StripeSigner.InvoicePaid($"evt_{Guid.NewGuid():N}", invoiceId, 4900);
        var payloads = new[]
        {
            $$$"""{"id":"evt_test_{{{Guid.NewGuid():N}}}","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered","livemode":false,"created":"2026-12-02T09:00:00.000Z","related_object":{"id":"mtr_test_61Q","type":"billing.meter","url":"/v1/billing/meters/mtr_test_61Q"},"reason":null,"context":null}""",
            paid.Replace("\"livemode\":false", "\"livemode\":true", StringComparison.Ordinal),
            paid.Replace("\"object\":\"event\",", "\"object\":\"event\",\"account\":\"acct_1PartnerConnected\",", StringComparison.Ordinal),
        };
        Assert.All(payloads, p => Assert.NotEqual(paid, p));
        foreach (var payload in payloads)
        {
            var response = await Flows.PostSignedWebhookAsync(customer, payload);
            Assert.Equal("ignored", (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        }
        Assert.Equal(before, await CountsAsync());
        Assert.Equal("open", await Flows.InvoiceStatusAsync(customer, invoiceId));

        // The same event in this server's mode and account pays: the guards, not the event, refused above.
        Assert.Equal("paid", (await (await Flows.PostSignedWebhookAsync(customer, paid)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_signed_body_that_is_no_event_is_400_and_writes_nothing()
    {
        var (customer, _) = await OpenInvoiceAsync();
        var before = await CountsAsync();
        foreach (var payload in new[] { "[1,2,3]", """{"id":"evt_1","object":"event","data":""", "not json" })
        {
            var problem = await (await Flows.PostSignedWebhookAsync(customer, payload)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("The Stripe event could not be read.", problem.GetProperty("title").GetString());
        }
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task An_unpaid_checkout_an_unknown_type_and_an_unknown_invoice_are_acknowledged_without_effect()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var before = await CountsAsync();
        var payloads = new[]
        {
            StripeSigner.CheckoutCompleted($"evt_{Guid.NewGuid():N}", invoiceId, 4900, paymentStatus: "unpaid"),
            StripeSigner.Event($"evt_{Guid.NewGuid():N}", "customer.created", """{"object":"customer","id":"cus_1"}"""),
            StripeSigner.InvoicePaid($"evt_{Guid.NewGuid():N}", Guid.NewGuid(), 4900),
            StripeSigner.Event($"evt_{Guid.NewGuid():N}", "invoice.paid", """{"object":"invoice","id":"in_1","amount_paid":4900,"currency":"usd","metadata":{"invoiceId":"not-a-guid"}}"""),
        };
        foreach (var payload in payloads)
        {
            var response = await Flows.PostSignedWebhookAsync(customer, payload);
            Assert.Equal("ignored", (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        }
        Assert.Equal(before, await CountsAsync());
        Assert.Equal("open", await Flows.InvoiceStatusAsync(customer, invoiceId));
    }

    [Theory]
    [InlineData(4899, "usd")]
    [InlineData(4900, "eur")]
    public async Task Amount_or_currency_mismatch_keeps_the_invoice_open_and_is_audited(long amount, string currency)
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var response = await Flows.PostSignedWebhookAsync(customer, StripeSigner.InvoicePaid($"evt_{Guid.NewGuid():N}", invoiceId, amount, currency));
        Assert.Equal("mismatch", (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        Assert.Equal("open", await Flows.InvoiceStatusAsync(customer, invoiceId));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == invoiceId && a.Action == AuditActions.InvoicePaymentMismatch)));
        Assert.Equal(0, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == invoiceId && a.Action == AuditActions.InvoicePaid)));
    }

    [Fact]
    public async Task A_currency_in_another_case_matches()
    {
        var (customer, invoiceId) = await OpenInvoiceAsync();
        var response = await Flows.PostSignedWebhookAsync(customer, StripeSigner.InvoicePaid($"evt_{Guid.NewGuid():N}", invoiceId, 4900, "USD"));
        Assert.Equal("paid", (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
    }
}
