using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue 18, item 3: the operator's <c>/dashboard/admin/billing</c> pages on the services the API uses.</summary>
public sealed partial class AdminBillingPageTests(PartnerWebFactory app) : IClassFixture<PartnerWebFactory>
{
    private const string Billing = "/dashboard/admin/billing";

    [GeneratedRegex("name=\"IdempotencyKey\" value=\"([^\"]+)\"")]
    private static partial Regex RefundKey();

    private async Task<Guid> OpenInvoiceAsync(string owner = Demo.GlobexOwner, string item = "Acme CRM Add-on")
    {
        using var api = await app.ClientAsAsync(owner);
        return await Flows.InstallAsync(api, await Flows.ItemIdAsync(app, item));
    }

    private async Task<Guid> PaidInvoiceAsync()
    {
        var invoiceId = await OpenInvoiceAsync();
        using var admin = await app.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = "API-1" })).AssertJsonAsync(HttpStatusCode.OK);
        return invoiceId;
    }

    private Task<string> NumberAsync(Guid invoiceId) => Flows.QueryAsync(app, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync());

    private Task<List<AuditEvent>> AuditAsync(Guid invoiceId, string action) =>
        Flows.QueryAsync(app, db => db.AuditEvents.Where(e => e.EntityId == invoiceId && e.Action == action).ToListAsync());

    private Task<Guid> UserIdAsync(string email) => Flows.QueryAsync(app, db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>Posts a form of the invoice page as htmx does (or as a plain form), with the antiforgery token.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string url, Dictionary<string, string> fields, bool htmx = true)
    {
        fields["__RequestVerificationToken"] = await CookieLogin.AntiforgeryTokenAsync(browser, "/settings/password");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        if (htmx) request.Headers.Add("HX-Request", "true");
        return await browser.SendAsync(request);
    }

    private static async Task<string> HtmlAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} instead of {(int)status}: {html}");
        return html;
    }

    [Fact]
    public async Task Only_platform_admins_get_the_pages_and_the_actions()
    {
        var invoiceId = await OpenInvoiceAsync();
        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(Billing)).StatusCode);
        foreach (var email in new[] { Demo.GlobexOwner, Demo.PlatformStaff })
        {
            using var browser = await BillingPages.BrowserAsAsync(app, email);
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(Billing)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync($"{Billing}/{invoiceId}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(browser, $"{Billing}/{invoiceId}/mark-paid", new() { ["Reference"] = "X-1" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(browser, $"{Billing}/{invoiceId}/void", new())).StatusCode);
        }
        Assert.Equal(InvoiceStatus.Open, await Flows.QueryAsync(app, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Status).SingleAsync()));
        Assert.Empty(await AuditAsync(invoiceId, AuditActions.InvoicePaid));
        Assert.Empty(await AuditAsync(invoiceId, AuditActions.InvoiceVoided));

        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Billing)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Billing}/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Status_tenant_and_number_filter_the_invoices_of_every_tenant_named_by_tenant_name()
    {
        var globexOpen = await OpenInvoiceAsync();
        var globexPaid = await PaidInvoiceAsync();
        var acmeOpen = await OpenInvoiceAsync(Demo.AcmeOwner, "Starter Landing Template");
        var (openNumber, paidNumber, acmeNumber) = (await NumberAsync(globexOpen), await NumberAsync(globexPaid), await NumberAsync(acmeOpen));
        var acme = await Flows.QueryAsync(app, db => db.Tenants.Where(t => t.Name == "Acme Templates").Select(t => t.Id).SingleAsync());
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);

        var all = await admin.GetStringAsync(Billing);
        Assert.Contains(openNumber, all);
        Assert.Contains(acmeNumber, all);
        var acmeRow = Regex.Match(all, $"<tr id=\"invoice-{acmeOpen}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("<td data-label=\"Tenant\" class=\"tenant\">Acme Templates</td>", acmeRow);
        Assert.DoesNotContain(acme.ToString(), acmeRow);
        Assert.Contains("$49.00", acmeRow);

        var paid = await BillingPages.FragmentAsync(admin, $"{Billing}?status=paid");
        Assert.Contains(paidNumber, paid);
        Assert.DoesNotContain(openNumber, paid);
        Assert.DoesNotContain(acmeNumber, paid);
        Assert.DoesNotContain("<html", paid);

        var acmeOnly = await admin.GetStringAsync($"{Billing}?tenantId={acme}");
        Assert.Contains(acmeNumber, acmeOnly);
        Assert.DoesNotContain(openNumber, acmeOnly);
        Assert.Contains($"<option value=\"{acme}\" selected=\"selected\">Acme Templates</option>", acmeOnly);

        // Part of the number, in lower case, finds it.
        var byNumber = await admin.GetStringAsync($"{Billing}?number={openNumber[^10..].ToLowerInvariant()}");
        Assert.Contains(openNumber, byNumber);
        Assert.DoesNotContain(paidNumber, byNumber);
        Assert.DoesNotContain(acmeNumber, byNumber);
    }

    [Fact]
    public async Task A_refused_filter_is_400_with_its_text_kept_and_the_message_beside_it()
    {
        await OpenInvoiceAsync();
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);

        var badStatus = await HtmlAsync(await admin.GetAsync($"{Billing}?status=unpaid&number=INV-2"), HttpStatusCode.BadRequest);
        Assert.Contains("<option value=\"unpaid\" selected>unpaid</option>", badStatus);
        Assert.Contains("&#x27;unpaid&#x27; is not one of: open, paid, void, partially_refunded, refunded.", badStatus);
        Assert.Contains("value=\"INV-2\"", badStatus);
        Assert.DoesNotContain("class=\"invoice-row\"", badStatus);

        var longNumber = new string('7', 41);
        var tooLong = await HtmlAsync(await admin.GetAsync($"{Billing}?number={longNumber}"), HttpStatusCode.BadRequest);
        Assert.Contains($"value=\"{longNumber}\"", tooLong);
        Assert.Matches("<input type=\"search\" name=\"number\"[^>]*/>\\s*<span class=\"error field-error\">An invoice number is at most 40 characters.</span>", tooLong);
    }

    [Fact]
    public async Task Older_pages_keep_the_filter()
    {
        var initech = await Flows.QueryAsync(app, db => db.Tenants.Where(t => t.Name == "Initech Add-ons").Select(t => t.Id).SingleAsync());
        var start = DateTime.UtcNow.AddDays(-10);
        var numbers = await Flows.QueryAsync(app, async db =>
        {
            var invoices = Enumerable.Range(0, 52).Select(i =>
            {
                var id = Guid.CreateVersion7();
                var at = start.AddMinutes(i);
                return new Invoice { Id = id, TenantId = initech, Number = Invoice.NumberFor(id, at), Status = InvoiceStatus.Open, Currency = "EUR", Total = 999, CreatedAt = at };
            }).ToList();
            db.Invoices.AddRange(invoices);
            await db.SaveChangesAsync();
            return invoices.Select(i => i.Number).ToList();
        });
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);

        var first = await admin.GetStringAsync($"{Billing}?tenantId={initech}&status=open");
        Assert.Equal(50, Regex.Matches(first, "class=\"invoice-row\"").Count);
        Assert.Contains(numbers[^1], first);
        Assert.Contains("€9.99", WebUtility.HtmlDecode(first));
        var older = Regex.Match(first, "hx-get=\"(/dashboard/admin/billing\\?status=open&amp;tenantId=[^\"]+&amp;cursor=[^\"]+)\"");
        Assert.True(older.Success, "no link to older invoices that keeps the filter");

        var second = await BillingPages.FragmentAsync(admin, WebUtility.HtmlDecode(older.Groups[1].Value));
        Assert.Equal(2, Regex.Matches(second, "class=\"invoice-row\"").Count);
        Assert.Contains(numbers[0], second);
        Assert.Contains(numbers[1], second);
        Assert.DoesNotContain("Older invoices", second);
    }

    [Fact]
    public async Task Mark_paid_needs_a_reference_on_the_form_and_writes_the_audit_event_the_API_writes()
    {
        var invoiceId = await OpenInvoiceAsync();
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);
        var url = $"{Billing}/{invoiceId}/mark-paid";

        var page = await admin.GetStringAsync($"{Billing}/{invoiceId}");
        Assert.Contains("hx-confirm=\"Mark invoice", page);
        Assert.Contains("hx-disabled-elt=\"find button\"", page);
        Assert.Contains("Globex", page);

        foreach (var blank in new[] { "", "   " })
        {
            var refused = await HtmlAsync(await PostAsync(admin, url, new() { ["Reference"] = blank }), HttpStatusCode.BadRequest);
            Assert.Matches("<input id=\"Reference\"[^>]*/>\\s*<span class=\"error field-error\">Enter the payment&#x27;s reference", refused);
            Assert.DoesNotContain("<html", refused);
        }
        var tooLong = new string('r', 201);
        Assert.Contains($"value=\"{tooLong}\"", await HtmlAsync(await PostAsync(admin, url, new() { ["Reference"] = tooLong }), HttpStatusCode.BadRequest));
        Assert.Empty(await AuditAsync(invoiceId, AuditActions.InvoicePaid));
        Assert.Equal(InvoiceStatus.Open, await Flows.QueryAsync(app, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Status).SingleAsync()));

        var paid = await HtmlAsync(await PostAsync(admin, url, new() { ["Reference"] = " SEPA-4711 " }), HttpStatusCode.OK);
        Assert.Contains("Marked paid with reference SEPA-4711.", paid);
        Assert.Contains("<td id=\"invoice-reference\" class=\"mono\">SEPA-4711</td>", paid);
        Assert.DoesNotContain("id=\"mark-paid-form\"", paid);
        var invoice = await Flows.QueryAsync(app, db => db.Invoices.SingleAsync(i => i.Id == invoiceId));
        Assert.Equal((InvoiceStatus.Paid, PaymentMethod.Manual, "SEPA-4711"), (invoice.Status, invoice.PaymentMethod!.Value, invoice.PaymentReference));
        var audit = Assert.Single(await AuditAsync(invoiceId, AuditActions.InvoicePaid));
        Assert.Equal(await UserIdAsync(Demo.PlatformAdmin), audit.ActorUserId);
        Assert.Equal(invoice.TenantId, audit.TenantId);
        Assert.Equal(nameof(Invoice), audit.EntityType);

        // The same as the API's: its audit event for another invoice has the same shape.
        var viaApi = await PaidInvoiceAsync();
        var apiAudit = Assert.Single(await AuditAsync(viaApi, AuditActions.InvoicePaid));
        Assert.Equal(Regex.Replace(apiAudit.Data, "\"[^\"]*\"", "s"), Regex.Replace(audit.Data, "\"[^\"]*\"", "s"));

        var again = await HtmlAsync(await PostAsync(admin, url, new() { ["Reference"] = "SEPA-4712" }), HttpStatusCode.Conflict);
        Assert.Contains("The invoice is already paid.", again);
        Assert.Single(await AuditAsync(invoiceId, AuditActions.InvoicePaid));
    }

    [Fact]
    public async Task A_plain_form_post_comes_back_to_the_page_or_shows_it_with_the_refusal()
    {
        var invoiceId = await OpenInvoiceAsync();
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);
        var url = $"{Billing}/{invoiceId}/mark-paid";

        var refused = await HtmlAsync(await PostAsync(admin, url, new() { ["Reference"] = "" }, htmx: false), HttpStatusCode.BadRequest);
        Assert.Contains("<html", refused);
        Assert.Contains("Enter the payment&#x27;s reference", refused);

        var done = await PostAsync(admin, url, new() { ["Reference"] = "CHQ-1" }, htmx: false);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal($"{Billing}/{invoiceId}", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Refund_amounts_are_major_units_and_bad_ones_are_400_with_the_input_kept_and_nothing_written()
    {
        var invoiceId = await PaidInvoiceAsync();
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);
        var page = await admin.GetStringAsync($"{Billing}/{invoiceId}");
        Assert.Contains("<input id=\"Amount\" name=\"Amount\" value=\"129.00\"", page);
        var key = RefundKey().Match(page).Groups[1].Value;
        Assert.NotEmpty(key);

        foreach (var (amount, message) in new[]
        {
            ("abc", "Amount must be a number such as 49.00, with a dot for decimals."),
            ("0", "Amount must be above zero."),
            ("-5", "Amount must not be negative."),
            ("12.345", "Amount in USD has at most 2 decimals."),
            ("", "Amount is required."),
            ("129.01", "The refund is larger than what is left to refund on this invoice. At most $129.00 can be refunded."),
        })
        {
            var refused = await HtmlAsync(await PostAsync(admin, $"{Billing}/{invoiceId}/refund",
                new() { ["Amount"] = amount, ["Reason"] = "customer asked", ["IdempotencyKey"] = key }), HttpStatusCode.BadRequest);
            // An empty value is no value attribute at all.
            Assert.Contains(amount == "" ? "<input id=\"Amount\" name=\"Amount\" inputmode" : $"<input id=\"Amount\" name=\"Amount\" value=\"{amount}\"", refused);
            Assert.Matches($"<input id=\"Amount\"[^>]*/>\\s*<span class=\"error field-error\">{Regex.Escape(message)}</span>", refused);
            Assert.Contains("value=\"customer asked\"", refused);
            Assert.Contains($"name=\"IdempotencyKey\" value=\"{key}\"", refused);
        }
        Assert.Equal(0, await Flows.QueryAsync(app, db => db.InvoiceRefunds.CountAsync(r => r.InvoiceId == invoiceId)));
        Assert.Empty(await AuditAsync(invoiceId, AuditActions.InvoiceRefunded));
        Assert.Equal(0L, await Flows.QueryAsync(app, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync()));
    }

    [Fact]
    public async Task The_same_rendered_refund_form_submitted_twice_refunds_once_and_a_new_form_refunds_again()
    {
        var invoiceId = await PaidInvoiceAsync();
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);
        var url = $"{Billing}/{invoiceId}/refund";
        var firstKey = RefundKey().Match(await admin.GetStringAsync($"{Billing}/{invoiceId}")).Groups[1].Value;
        var form = new Dictionary<string, string> { ["Amount"] = "12.50", ["Reason"] = "double click", ["IdempotencyKey"] = firstKey };

        var first = await HtmlAsync(await PostAsync(admin, url, new(form)), HttpStatusCode.OK);
        var repeat = await HtmlAsync(await PostAsync(admin, url, new(form)), HttpStatusCode.OK);

        Assert.Contains("Refunded $12.50.", first);
        Assert.Contains("Refunded $12.50.", repeat);
        Assert.Contains("<td class=\"num\" id=\"invoice-refunded\">$12.50</td>", repeat);
        var refund = Assert.Single(await Flows.QueryAsync(app, db => db.InvoiceRefunds.Where(r => r.InvoiceId == invoiceId).ToListAsync()));
        Assert.Equal((1250L, "USD", "double click"), (refund.Amount, refund.Currency, refund.Reason));
        var audit = Assert.Single(await AuditAsync(invoiceId, AuditActions.InvoiceRefunded));
        Assert.Equal(await UserIdAsync(Demo.PlatformAdmin), audit.ActorUserId);
        // The answer carries a fresh form: the next refund is a deliberate new one.
        var nextKey = RefundKey().Match(first).Groups[1].Value;
        Assert.NotEqual(firstKey, nextKey);

        var secondKey = RefundKey().Match(await admin.GetStringAsync($"{Billing}/{invoiceId}")).Groups[1].Value;
        Assert.NotEqual(firstKey, secondKey);
        var second = await HtmlAsync(await PostAsync(admin, url, new(form) { ["IdempotencyKey"] = secondKey }), HttpStatusCode.OK);
        Assert.Contains("<td class=\"num\" id=\"invoice-refunded\">$25.00</td>", second);
        Assert.Contains("<td class=\"num\" id=\"invoice-refundable\">$104.00</td>", second);
        Assert.Equal(2, Regex.Matches(second, "class=\"refund-row\"").Count);
        Assert.Equal(2, (await AuditAsync(invoiceId, AuditActions.InvoiceRefunded)).Count);
        var invoice = await Flows.QueryAsync(app, db => db.Invoices.SingleAsync(i => i.Id == invoiceId));
        Assert.Equal((2500L, InvoiceStatus.PartiallyRefunded), (invoice.RefundedAmount, invoice.Status));
    }

    [Fact]
    public async Task Void_is_offered_on_open_invoices_and_a_refusal_is_a_readable_409_in_the_fragment()
    {
        var open = await OpenInvoiceAsync();
        var paid = await PaidInvoiceAsync();
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);
        Assert.Contains("id=\"void-form\"", await admin.GetStringAsync($"{Billing}/{open}"));
        Assert.DoesNotContain("id=\"void-form\"", await admin.GetStringAsync($"{Billing}/{paid}"));

        var voided = await HtmlAsync(await PostAsync(admin, $"{Billing}/{open}/void", new()), HttpStatusCode.OK);
        Assert.Contains("The invoice is void.", voided);
        Assert.DoesNotContain("id=\"void-form\"", voided);
        Assert.DoesNotContain("id=\"mark-paid-form\"", voided);
        var audit = Assert.Single(await AuditAsync(open, AuditActions.InvoiceVoided));
        Assert.Equal(await UserIdAsync(Demo.PlatformAdmin), audit.ActorUserId);

        var again = await HtmlAsync(await PostAsync(admin, $"{Billing}/{open}/void", new()), HttpStatusCode.Conflict);
        Assert.Contains("<p class=\"error\" role=\"alert\">Only an open invoice can become void. This one is void.</p>", again);
        Assert.Contains("id=\"admin-invoice\"", again);
        var paidRefused = await HtmlAsync(await PostAsync(admin, $"{Billing}/{paid}/void", new()), HttpStatusCode.Conflict);
        Assert.Contains("This one is paid.", paidRefused);
        Assert.Single(await AuditAsync(open, AuditActions.InvoiceVoided));
        Assert.Empty(await AuditAsync(paid, AuditActions.InvoiceVoided));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, $"{Billing}/{Guid.NewGuid()}/void", new())).StatusCode);
    }

    [Fact]
    public async Task Overpayments_show_on_the_list_with_the_tenant_and_on_their_invoice()
    {
        var invoiceId = await PaidInvoiceAsync();
        var intent = $"pi_over_{invoiceId:N}";
        await Flows.QueryAsync(app, db =>
        {
            db.StripePayments.Add(new StripePaymentRecord
            {
                Id = Guid.CreateVersion7(), InvoiceId = invoiceId, PaymentIntentId = intent, Amount = 12900, Currency = "USD",
                Overpayment = true, EventId = $"evt_{invoiceId:N}", CreatedAt = DateTime.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        var number = await NumberAsync(invoiceId);
        using var admin = await BillingPages.BrowserAsAsync(app, Demo.PlatformAdmin);

        var list = await admin.GetStringAsync(Billing);
        var section = list[list.IndexOf("id=\"overpayments\"", StringComparison.Ordinal)..];
        var row = Regex.Match(section, "<tr class=\"overpayment-row\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains($"href=\"{Billing}/{invoiceId}\">{number}</a>", row);
        Assert.Contains("<td data-label=\"Tenant\">Globex</td>", row);
        Assert.Contains("<td data-label=\"Outstanding\" class=\"num\">$129.00</td>", row);

        var detail = await admin.GetStringAsync($"{Billing}/{invoiceId}");
        Assert.Contains($"<td data-label=\"Stripe payment\" class=\"mono stripe-id\">{intent}</td>", detail);
        Assert.DoesNotContain("id=\"invoice-overpayments\"", await admin.GetStringAsync($"{Billing}/{await OpenInvoiceAsync()}"));
    }
}
