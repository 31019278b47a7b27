using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The app, pointed at a local fake of Stripe's API.</summary>
public sealed class CheckoutFixture : IAsyncLifetime
{
    public FakeStripe Stripe { get; private set; } = null!;
    public PartnerWebFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        App = PartnerWebFactory.On(null, Stripe.Settings);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>Issue 15, item 2: customers pay an open invoice through a Stripe Checkout Session.</summary>
public sealed class CheckoutTests(CheckoutFixture fixture) : IClassFixture<CheckoutFixture>
{
    private PartnerWebFactory App => fixture.App;

    private async Task<(HttpClient Owner, Guid InvoiceId)> OpenInvoiceAsync()
    {
        var owner = await App.ClientAsAsync(Demo.GlobexOwner);
        return (owner, await Flows.InstallAsync(owner, await Flows.ItemIdAsync(App, "Acme CRM Add-on")));
    }

    private List<FakeStripe.Call> CallsFor(Guid invoiceId) =>
        fixture.Stripe.Calls.Where(c => c.Form.GetValueOrDefault("client_reference_id") == invoiceId.ToString()).ToList();

    [Fact]
    public async Task The_session_carries_the_invoice_its_lines_and_the_way_back_and_a_second_start_answers_it_again()
    {
        var (owner, invoiceId) = await OpenInvoiceAsync();

        var first = await (await owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertJsonAsync(HttpStatusCode.Created);
        var sessionId = first.GetProperty("sessionId").GetString()!;
        Assert.StartsWith("cs_test_", sessionId);
        Assert.Equal($"https://checkout.stripe.com/c/pay/{sessionId}", first.GetProperty("url").GetString());
        Assert.True(first.GetProperty("expiresAt").GetDateTime() > DateTime.UtcNow.AddHours(23));

        var call = Assert.Single(CallsFor(invoiceId));
        Assert.Equal("/v1/checkout/sessions", call.Path);
        Assert.Equal($"checkout-{invoiceId:N}-1", call.IdempotencyKey);
        var form = call.Form;
        Assert.Equal("payment", form["mode"]);
        Assert.Equal(invoiceId.ToString(), form["metadata[invoiceId]"]);
        Assert.Equal(invoiceId.ToString(), form["payment_intent_data[metadata][invoiceId]"]);
        Assert.Equal(("usd", "12900", "1", "Acme CRM Add-on"), (form["line_items[0][price_data][currency]"], form["line_items[0][price_data][unit_amount]"],
            form["line_items[0][quantity]"], form["line_items[0][price_data][product_data][name]"]));
        Assert.False(form.ContainsKey("line_items[1][quantity]"));
        Assert.Equal($"{owner.BaseAddress}billing/invoices/{invoiceId}?checkout=success", form["success_url"]);
        Assert.Equal($"{owner.BaseAddress}billing/invoices/{invoiceId}?checkout=cancelled", form["cancel_url"]);

        var again = await (await owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(sessionId, again.GetProperty("sessionId").GetString());
        Assert.Single(CallsFor(invoiceId));
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.InvoiceCheckoutStarted && a.EntityId == invoiceId)));
    }

    [Fact]
    public async Task Two_starts_at_once_send_one_idempotency_key_and_record_one_session()
    {
        var (owner, invoiceId) = await OpenInvoiceAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        var ids = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sessionId").GetString()));
        Assert.Single(ids.Distinct());
        Assert.All(CallsFor(invoiceId), c => Assert.Equal($"checkout-{invoiceId:N}-1", c.IdempotencyKey));
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.CheckoutSessions.CountAsync(s => s.InvoiceId == invoiceId)));
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.InvoiceCheckoutStarted && a.EntityId == invoiceId)));
    }

    [Fact]
    public async Task A_paid_invoice_is_a_conflict_and_Stripe_is_not_called()
    {
        var (owner, invoiceId) = await OpenInvoiceAsync();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);

        await (await owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(CallsFor(invoiceId));
    }

    [Fact]
    public async Task Another_tenants_invoice_is_not_found_and_staff_may_not_start_one()
    {
        var (_, invoiceId) = await OpenInvoiceAsync();
        using var acme = await App.ClientAsAsync(Demo.AcmeOwner);
        using var staff = await App.ClientAsAsync(Demo.GlobexStaff);

        await (await acme.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await staff.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(CallsFor(invoiceId));
    }

    [Fact]
    public async Task Without_a_secret_key_Stripe_is_not_configured_and_nothing_is_written()
    {
        await using var app = PartnerWebFactory.On(null);
        using var owner = await app.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(owner, await Flows.ItemIdAsync(app, "Acme CRM Add-on"));

        var problem = await (await owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Stripe is not configured on this server.", problem.GetProperty("title").GetString());
        Assert.Equal(0, await Flows.QueryAsync(app, db => db.CheckoutSessions.CountAsync()));
    }

    [Fact]
    public async Task A_session_Stripe_expired_is_not_offered_again_and_the_next_start_opens_a_new_attempt()
    {
        var (owner, invoiceId) = await OpenInvoiceAsync();
        var first = await (await owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertJsonAsync(HttpStatusCode.Created);
        var sessionId = first.GetProperty("sessionId").GetString()!;
        var expired = StripeObjects.Event($"evt_exp_{sessionId}", "checkout.session.expired",
            StripeObjects.CheckoutSession(sessionId, invoiceId.ToString(), StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd", null, null, status: "expired"));

        Assert.Equal("checkout_ended", await StripeSale.DeliverAsync(owner, expired));
        Assert.Equal("ignored", await StripeSale.DeliverAsync(owner, StripeSigner.Event($"evt_exp2_{sessionId}", "checkout.session.expired",
            StripeObjects.CheckoutSession(sessionId, invoiceId.ToString(), StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd", null, null, status: "expired").ToJsonString())));

        var second = await (await owner.PostAsync($"/api/billing/invoices/{invoiceId}/checkout", null)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(sessionId, second.GetProperty("sessionId").GetString());
        Assert.Equal([$"checkout-{invoiceId:N}-1", $"checkout-{invoiceId:N}-2"], CallsFor(invoiceId).Select(c => c.IdempotencyKey).ToList());
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.AuditEvents.CountAsync(a => a.EntityId == invoiceId && a.Action == AuditActions.InvoiceCheckoutEnded)));
    }
}
