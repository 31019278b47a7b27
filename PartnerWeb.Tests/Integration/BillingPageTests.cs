using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The customer's pages for the same browser the login form signed in, and the form posts it makes.</summary>
internal static class BillingPages
{
    public static async Task<HttpClient> BrowserAsAsync(PartnerWebFactory app, string email, string password = PartnerWebFactory.Password)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, password);
        return client;
    }

    /// <summary>Presses "Pay with card" as the invoice page's form does, antiforgery token included.</summary>
    public static async Task<HttpResponseMessage> PayAsync(HttpClient browser, Guid invoiceId)
    {
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/billing/invoices");
        return await browser.PostAsync($"/billing/invoices/{invoiceId}/pay",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    public static async Task<string> FragmentAsync(HttpClient browser, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("HX-Request", "true");
        var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HX-Request", response.Headers.Vary);
        return await response.Content.ReadAsStringAsync();
    }

    public static string PayForm(Guid invoiceId) => $"action=\"/billing/invoices/{invoiceId}/pay\"";

    public static async Task<string> NumberAsync(HttpClient api, Guid invoiceId) =>
        (await (await api.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("number").GetString()!;
}

/// <summary>Issue 15, item 8: <c>/billing/invoices[/{id}]</c> with a fake Stripe behind the pay button.</summary>
public sealed class BillingPageTests(CheckoutFixture fixture) : IClassFixture<CheckoutFixture>
{
    private PartnerWebFactory App => fixture.App;

    private async Task<(HttpClient Api, Guid InvoiceId)> OpenGlobexInvoiceAsync()
    {
        var api = await App.ClientAsAsync(Demo.GlobexOwner);
        return (api, await Flows.InstallAsync(api, await Flows.ItemIdAsync(App, "Acme CRM Add-on")));
    }

    private async Task MarkPaidAsync(Guid invoiceId)
    {
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
    }

    private int StripeCallsFor(Guid invoiceId) =>
        fixture.Stripe.Calls.Count(c => c.Form.GetValueOrDefault("client_reference_id") == invoiceId.ToString());

    [Fact]
    public async Task The_list_shows_only_the_callers_tenant_and_another_tenants_invoice_is_not_found()
    {
        var (globexApi, globexInvoice) = await OpenGlobexInvoiceAsync();
        using var acmeApi = await App.ClientAsAsync(Demo.AcmeOwner);
        var acmeInvoice = await Flows.InstallAsync(acmeApi, await Flows.TemplateIdAsync(App));
        var (globexNumber, acmeNumber) = (await BillingPages.NumberAsync(globexApi, globexInvoice), await BillingPages.NumberAsync(acmeApi, acmeInvoice));
        using var globex = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);

        var list = await globex.GetStringAsync("/billing/invoices");
        Assert.Contains(globexNumber, list);
        Assert.Contains("$129.00", list);
        Assert.DoesNotContain(acmeNumber, list);
        Assert.DoesNotContain(acmeInvoice.ToString(), list);

        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/billing/invoices/{acmeInvoice}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await BillingPages.PayAsync(globex, acmeInvoice)).StatusCode);
        Assert.Equal(0, StripeCallsFor(acmeInvoice));

        // A platform admin reads every invoice through the API, but these pages are their own tenant's.
        using var admin = await BillingPages.BrowserAsAsync(App, Demo.PlatformAdmin);
        Assert.DoesNotContain(globexNumber, await admin.GetStringAsync("/billing/invoices"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/billing/invoices/{globexInvoice}")).StatusCode);
    }

    [Fact]
    public async Task The_pay_button_is_on_open_invoices_only_and_only_for_owners_and_admins()
    {
        var (api, open) = await OpenGlobexInvoiceAsync();
        var paid = await Flows.InstallAsync(api, await Flows.ItemIdAsync(App, "Acme CRM Add-on"));
        await MarkPaidAsync(paid);
        using var owner = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);
        using var staff = await BillingPages.BrowserAsAsync(App, Demo.GlobexStaff);

        var ownerList = await owner.GetStringAsync("/billing/invoices");
        Assert.Contains(BillingPages.PayForm(open), ownerList);
        Assert.DoesNotContain(BillingPages.PayForm(paid), ownerList);
        Assert.Contains("Pay with card", await owner.GetStringAsync($"/billing/invoices/{open}"));
        Assert.DoesNotContain("Pay with card", await owner.GetStringAsync($"/billing/invoices/{paid}"));

        var staffList = await staff.GetStringAsync("/billing/invoices");
        Assert.Contains(await BillingPages.NumberAsync(api, open), staffList);
        Assert.Contains(await BillingPages.NumberAsync(api, paid), staffList);
        Assert.DoesNotContain("Pay with card", staffList);
        var staffDetail = await staff.GetStringAsync($"/billing/invoices/{open}");
        Assert.DoesNotContain("Pay with card", staffDetail);
        Assert.Contains("An owner or admin of your organisation can pay this invoice by card.", staffDetail);
        Assert.Equal(HttpStatusCode.Forbidden, (await BillingPages.PayAsync(staff, open)).StatusCode);
        Assert.Equal(0, StripeCallsFor(open));
    }

    [Fact]
    public async Task Pay_with_card_redirects_to_the_Checkout_session_that_brings_the_customer_back_to_the_invoice_page()
    {
        var (_, invoiceId) = await OpenGlobexInvoiceAsync();
        using var owner = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);

        var response = await BillingPages.PayAsync(owner, invoiceId);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var session = await Flows.QueryAsync(App, db => db.CheckoutSessions.SingleAsync(s => s.InvoiceId == invoiceId));
        Assert.Equal($"https://checkout.stripe.com/c/pay/{session.StripeSessionId}", response.Headers.Location!.ToString());
        var call = fixture.Stripe.Calls.Single(c => c.Form.GetValueOrDefault("client_reference_id") == invoiceId.ToString());
        Assert.Equal($"{owner.BaseAddress}billing/invoices/{invoiceId}?checkout=success", call.Form["success_url"]);
        Assert.Equal($"{owner.BaseAddress}billing/invoices/{invoiceId}?checkout=cancelled", call.Form["cancel_url"]);
    }

    [Fact]
    public async Task Back_from_Checkout_the_page_polls_while_processing_and_says_Paid_once_the_webhook_paid_the_invoice()
    {
        var (_, invoiceId) = await OpenGlobexInvoiceAsync();
        using var owner = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);
        var returnUrl = $"/billing/invoices/{invoiceId}?checkout=success";

        var processing = await owner.GetStringAsync(returnUrl);
        Assert.Contains("Payment processing", processing);
        Assert.Contains("hx-trigger=\"every 2s\"", processing);
        Assert.Contains($"hx-get=\"{returnUrl}\"", processing);
        Assert.DoesNotContain("Pay with card", processing);
        var polled = await BillingPages.FragmentAsync(owner, returnUrl);
        Assert.DoesNotContain("<html", polled);
        Assert.Contains("Payment processing", polled);

        var session = StripeObjects.CheckoutSession($"cs_test_{invoiceId:N}", invoiceId.ToString(), StripeObjects.InvoiceMetadata(invoiceId), 12900, "usd",
            $"http://localhost{returnUrl}", null, status: "complete", paymentStatus: "paid", paymentIntent: $"pi_{invoiceId:N}");
        using var stripe = App.CreateApiClient();
        var delivered = await Flows.PostSignedWebhookAsync(stripe, StripeObjects.Event($"evt_{invoiceId:N}", "checkout.session.completed", session));
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);

        var paid = await BillingPages.FragmentAsync(owner, returnUrl);
        Assert.Contains("<strong class=\"state\">Paid</strong>", paid);
        Assert.DoesNotContain("Payment processing", paid);
        Assert.DoesNotContain("hx-trigger", paid);
        Assert.Contains("by card", paid);
    }

    [Fact]
    public async Task A_paid_invoice_says_Paid_with_its_lines_and_totals()
    {
        var (_, invoiceId) = await OpenGlobexInvoiceAsync();
        await MarkPaidAsync(invoiceId);
        using var owner = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);

        var page = await owner.GetStringAsync($"/billing/invoices/{invoiceId}");

        Assert.Contains("<strong class=\"state\">Paid</strong>", page);
        Assert.Contains("badge-paid", page);
        Assert.Contains("Acme CRM Add-on", page);
        Assert.Contains("<td class=\"num\" id=\"invoice-total\">$129.00</td>", page);
        Assert.DoesNotContain("hx-trigger", page);
    }

    [Fact]
    public async Task A_cancelled_checkout_shows_a_calm_note_and_the_button_again()
    {
        var (_, invoiceId) = await OpenGlobexInvoiceAsync();
        using var owner = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);

        var page = await owner.GetStringAsync($"/billing/invoices/{invoiceId}?checkout=cancelled");

        Assert.Contains("Payment cancelled", page);
        Assert.Contains(BillingPages.PayForm(invoiceId), page);
        Assert.DoesNotContain("<p class=\"error", page);
        Assert.DoesNotContain("hx-trigger", page);
    }

    [Fact]
    public async Task Checkout_refusals_are_readable_messages_on_the_invoice_page()
    {
        var (_, paid) = await OpenGlobexInvoiceAsync();
        await MarkPaidAsync(paid);
        var (_, open) = await OpenGlobexInvoiceAsync();
        using var owner = await BillingPages.BrowserAsAsync(App, Demo.GlobexOwner);

        var conflict = await BillingPages.PayAsync(owner, paid);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var conflictPage = await conflict.Content.ReadAsStringAsync();
        Assert.Contains("Only an open invoice can become paid. This one is paid.", conflictPage);
        Assert.Contains("<html", conflictPage);

        fixture.Stripe.Refuses = true;
        HttpResponseMessage refused;
        try
        {
            refused = await BillingPages.PayAsync(owner, open);
        }
        finally
        {
            fixture.Stripe.Refuses = false;
        }
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        var refusedPage = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Stripe could not start the payment; try again later.", refusedPage);
        Assert.Contains(BillingPages.PayForm(open), refusedPage);
        Assert.All(new[] { conflictPage, refusedPage }, html =>
        {
            Assert.DoesNotContain("Exception", html);
            Assert.DoesNotContain("   at ", html);
        });
    }
}

/// <summary>The same pages on a server without <c>Stripe:SecretKey</c>: manual approval only.</summary>
public sealed class BillingPageWithoutStripeTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private const string NotConfigured = "Card payments are not available: Stripe is not configured on this server.";

    [Fact]
    public async Task The_pages_say_card_payments_are_not_available_instead_of_the_button_and_a_post_anyway_says_the_same()
    {
        using var api = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(api, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"));
        using var owner = await BillingPages.BrowserAsAsync(factory, Demo.GlobexOwner);

        var list = await owner.GetStringAsync("/billing/invoices");
        Assert.Contains(NotConfigured, list);
        Assert.DoesNotContain("Pay with card", list);
        var detail = await owner.GetStringAsync($"/billing/invoices/{invoiceId}");
        Assert.Contains(NotConfigured, detail);
        Assert.DoesNotContain("Pay with card", detail);

        var posted = await BillingPages.PayAsync(owner, invoiceId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        var page = await posted.Content.ReadAsStringAsync();
        Assert.Contains(NotConfigured, page);
        Assert.DoesNotContain("Pay with card", page);
        Assert.Equal(0, await Flows.QueryAsync(factory, db => db.CheckoutSessions.CountAsync()));

        // Staff could not pay either way, so they are not told about Stripe.
        using var staff = await BillingPages.BrowserAsAsync(factory, Demo.GlobexStaff);
        Assert.DoesNotContain(NotConfigured, await staff.GetStringAsync($"/billing/invoices/{invoiceId}"));
    }
}
