using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>An app with Acme and Initech as approved partners, each made once.</summary>
public class PayoutQueueFactory : PartnerWebFactory
{
    public PayoutQueueFactory() : this(null) { }

    protected PayoutQueueFactory(IReadOnlyDictionary<string, string?>? settings) : base(null, settings) { }

    private readonly Dictionary<string, Task<Guid>> _partners = [];

    public Task<Guid> PartnerAsync(string ownerEmail)
    {
        lock (_partners)
            return _partners.TryGetValue(ownerEmail, out var made) ? made : _partners[ownerEmail] = PartnerFlows.ApprovedPartnerAsync(this, ownerEmail);
    }

    public async Task<HttpClient> BrowserAsAsync(string email)
    {
        var client = CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, Password);
        return client;
    }

    /// <summary>A form post as htmx makes it, with the antiforgery token of a page the user may open.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, IEnumerable<KeyValuePair<string, string>> fields, string tokenPage = "/dashboard/admin/payouts")
    {
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, tokenPage);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))),
        };
        request.Headers.Add("HX-Request", "true");
        return await browser.SendAsync(request);
    }

    public static IEnumerable<KeyValuePair<string, string>> Selection(IEnumerable<Guid> ids, params (string Name, string Value)[] more) =>
        ids.Select(id => new KeyValuePair<string, string>("ids", id.ToString())).Concat(more.Select(m => new KeyValuePair<string, string>(m.Name, m.Value)));
}

public sealed class AdminPayoutsPageTests(PayoutQueueFactory factory) : IClassFixture<PayoutQueueFactory>
{
    private Task<int> AuditCountAsync(string action, IReadOnlyCollection<Guid> payoutIds) =>
        Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == action && payoutIds.Contains(a.EntityId)));

    private Task<List<PartnerPayout>> PayoutRowsAsync(IReadOnlyCollection<Guid> ids) =>
        Flows.QueryAsync(factory, db => db.PartnerPayouts.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync());

    [Theory]
    [InlineData(Demo.PlatformStaff, "/settings/password")]
    [InlineData(Demo.GlobexOwner, "/dashboard/partners")]
    public async Task Only_platform_admins_open_the_queue_or_act_on_it(string email, string tokenPage)
    {
        var ids = await PartnerFlows.InsertPayoutsAsync(factory, await factory.PartnerAsync(Demo.AcmeOwner), "USD", PayoutStatus.Owed, 500);
        using var browser = await factory.BrowserAsAsync(email);

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/dashboard/admin/payouts")).StatusCode);
        foreach (var action in new[] { "approve", "send", "generate" })
            Assert.Equal(HttpStatusCode.Forbidden, (await PayoutQueueFactory.PostAsync(browser, $"/dashboard/admin/payouts/{action}", PayoutQueueFactory.Selection(ids), tokenPage)).StatusCode);
        var paid = await PayoutQueueFactory.PostAsync(browser, "/dashboard/admin/payouts/mark-paid", PayoutQueueFactory.Selection(ids, ("reference", "X-1")), tokenPage);
        Assert.Equal(HttpStatusCode.Forbidden, paid.StatusCode);

        Assert.Equal(PayoutStatus.Owed, Assert.Single(await PayoutRowsAsync(ids)).Status);
        Assert.Equal(0, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => ids.Contains(a.EntityId))));
    }

    [Fact]
    public async Task Totals_per_status_and_currency_cover_the_whole_queue_not_the_page_and_leave_out_paid_payouts()
    {
        var (acme, initech) = (await factory.PartnerAsync(Demo.AcmeOwner), await factory.PartnerAsync(Demo.InitechOwner));
        // Two currencies no other test uses, more owed payouts than a page shows, and payouts that wait for nobody.
        await PartnerFlows.InsertPayoutsAsync(factory, acme, "CHF", PayoutStatus.Owed, Enumerable.Repeat(1_000L, 55).ToArray());
        await PartnerFlows.InsertPayoutsAsync(factory, initech, "CHF", PayoutStatus.Owed, 2_345);
        await PartnerFlows.InsertPayoutsAsync(factory, initech, "SEK", PayoutStatus.Owed, 4_000_000_000_000, 5);
        await PartnerFlows.InsertPayoutsAsync(factory, acme, "CHF", PayoutStatus.Approved, 700);
        await PartnerFlows.InsertPayoutsAsync(factory, acme, "CHF", PayoutStatus.Paid, 99_999);
        await PartnerFlows.InsertPayoutsAsync(factory, acme, "SEK", PayoutStatus.Reversed, 77);
        using var admin = await factory.BrowserAsAsync(Demo.PlatformAdmin);

        var html = await admin.GetStringAsync("/dashboard/admin/payouts");

        string Total(string status, string currency)
        {
            var row = Regex.Match(html, $"<tr class=\"queue-total\" data-status=\"{status}\" data-currency=\"{currency}\">(.*?)</tr>", RegexOptions.Singleline);
            Assert.True(row.Success, $"no {status} {currency} total");
            return string.Join(" | ", Regex.Matches(row.Groups[1].Value, "<td class=\"num[^\"]*\">([^<]*)</td>").Select(m => m.Groups[1].Value));
        }
        Assert.Equal("56 | CHF 573.45", Total("owed", "CHF"));
        Assert.Equal("2 | SEK 40,000,000,000.05", Total("owed", "SEK"));
        Assert.Equal("1 | CHF 7.00", Total("approved", "CHF"));
        Assert.DoesNotContain("data-status=\"paid\"", html);
        Assert.DoesNotContain("data-status=\"reversed\"", html);
        Assert.Equal(50, Regex.Matches(html, "<tr id=\"queued-").Count);
        Assert.Contains("Next page", html);
    }

    [Fact]
    public async Task Bulk_approve_then_mark_paid_audit_each_payout_once_and_a_second_submission_changes_nothing()
    {
        var acme = await factory.PartnerAsync(Demo.AcmeOwner);
        var ids = await PartnerFlows.InsertPayoutsAsync(factory, acme, "NOK", PayoutStatus.Owed, 1_100, 2_200, 3_300);
        using var admin = await factory.BrowserAsAsync(Demo.PlatformAdmin);

        var approved = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/approve", PayoutQueueFactory.Selection(ids));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var fragment = await approved.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains("3 of 3 approved.", fragment);
        Assert.All(await PayoutRowsAsync(ids), p => Assert.Equal(PayoutStatus.Approved, p.Status));
        Assert.Equal(3, await AuditCountAsync(AuditActions.PartnerPayoutApproved, ids));

        // The same click again (a double submission): every payout answers its 409, nothing is written.
        var again = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/approve", PayoutQueueFactory.Selection(ids));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var refused = await again.Content.ReadAsStringAsync();
        Assert.Contains("0 of 3 approved.", refused);
        Assert.Equal(3, Regex.Matches(refused, "<tr class=\"outcome refused\"").Count);
        Assert.Contains("approved", Regex.Match(refused, "<span class=\"error\">([^<]+)</span>").Groups[1].Value);
        Assert.Equal(3, await AuditCountAsync(AuditActions.PartnerPayoutApproved, ids));

        // No reference: 400, the form again with the payouts still ticked and the message beside the field.
        var noReference = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/mark-paid", PayoutQueueFactory.Selection(ids, ("reference", "  ")));
        Assert.Equal(HttpStatusCode.BadRequest, noReference.StatusCode);
        var form = await noReference.Content.ReadAsStringAsync();
        Assert.Matches("id=\"payout-reference\"[^>]*/>\\s*<button[^>]*>Mark selected paid</button>\\s*<span class=\"error field-error\">Enter the payment&#x27;s reference", form);
        foreach (var id in ids) Assert.Matches($"<input type=\"checkbox\" name=\"ids\" value=\"{id}\" checked=\"checked\"", form);
        Assert.All(await PayoutRowsAsync(ids), p => Assert.Equal(PayoutStatus.Approved, p.Status));

        var paid = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/mark-paid", PayoutQueueFactory.Selection(ids, ("reference", " SEPA-2026-12 ")));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Contains("3 of 3 paid.", await paid.Content.ReadAsStringAsync());
        Assert.All(await PayoutRowsAsync(ids), p => Assert.Equal((PayoutStatus.Paid, "SEPA-2026-12"), (p.Status, p.Reference)));
        Assert.Equal(3, await AuditCountAsync(AuditActions.PartnerPayoutPaid, ids));

        var paidAgain = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/mark-paid", PayoutQueueFactory.Selection(ids, ("reference", "SEPA-2026-12")));
        Assert.Equal(HttpStatusCode.Conflict, paidAgain.StatusCode);
        Assert.Equal(3, await AuditCountAsync(AuditActions.PartnerPayoutPaid, ids));
    }

    [Fact]
    public async Task Nothing_selected_is_a_400_beside_the_buttons_and_a_send_refused_says_why()
    {
        var initech = await factory.PartnerAsync(Demo.InitechOwner);
        var ids = await PartnerFlows.InsertPayoutsAsync(factory, initech, "DKK", PayoutStatus.Approved, 4_200);
        using var admin = await factory.BrowserAsAsync(Demo.PlatformAdmin);

        var none = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/approve", []);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("<span class=\"error field-error\">Select at least one payout.</span>", await none.Content.ReadAsStringAsync());

        var sent = await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/send", PayoutQueueFactory.Selection(ids));
        // This app has no Stripe key: a 409 (htmx swaps it in), the payout's refusal in words.
        Assert.Equal(HttpStatusCode.Conflict, sent.StatusCode);
        Assert.Contains($"<span class=\"error\">{System.Net.WebUtility.HtmlEncode(PartnerWeb.Features.Billing.StripeGateway.NotConfigured.Title)}</span>", await sent.Content.ReadAsStringAsync());
        Assert.Equal(PayoutStatus.Approved, Assert.Single(await PayoutRowsAsync(ids)).Status);
    }

    [Fact]
    public async Task Generate_for_all_makes_a_payout_per_currency_owed_once_and_names_the_partners_owed_nothing()
    {
        var acme = await factory.PartnerAsync(Demo.AcmeOwner);
        await factory.PartnerAsync(Demo.InitechOwner);
        using var adminApi = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        await PartnerFlows.CreateListingAsync(adminApi, acme, itemId, "percent", 30m);
        await PartnerFlows.SellAsync(factory, itemId, acme);
        using var admin = await factory.BrowserAsAsync(Demo.PlatformAdmin);

        var first = await (await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/generate", [])).Content.ReadAsStringAsync();
        Assert.Contains("2 approved partners checked.", first);
        Assert.Contains("Created: 1 USD payout ($90.30)", first);
        Assert.Contains("Nothing owed (1): Partner of owner@initech.example", first);
        var generated = await Flows.QueryAsync(factory, db => db.PartnerPayouts.CountAsync(p => p.PartnerId == acme && p.Currency == "USD" && p.Amount == 9_030));
        Assert.Equal(1, generated);

        var second = await (await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/generate", [])).Content.ReadAsStringAsync();
        Assert.Contains("No new payouts: nothing more is owed.", second);
        Assert.Contains("Nothing owed (2):", second);
        Assert.Equal(generated, await Flows.QueryAsync(factory, db => db.PartnerPayouts.CountAsync(p => p.PartnerId == acme && p.Currency == "USD" && p.Amount == 9_030)));
    }
}

public sealed class OperatorLimitFactory() : PayoutQueueFactory(new Dictionary<string, string?>
{
    ["RateLimiting:PartnerWrites:PermitLimit"] = "2",
});

/// <summary>Issue 18: the partner-write limit is for partners; the operator's page actions are not throttled by it.</summary>
public sealed class OperatorWriteLimitTests(OperatorLimitFactory factory) : IClassFixture<OperatorLimitFactory>
{
    [Fact]
    public async Task An_operator_runs_more_page_actions_than_the_partner_permit_and_a_partner_still_gets_429()
    {
        var acme = await factory.PartnerAsync(Demo.AcmeOwner);
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        var ids = await PartnerFlows.InsertPayoutsAsync(factory, acme, "USD", PayoutStatus.Owed, 100, 200, 300);
        using var admin = await factory.BrowserAsAsync(Demo.PlatformAdmin);
        var partnerPage = $"/dashboard/admin/partners/{acme}";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/generate", [])).StatusCode);
            statuses.Add((await PayoutQueueFactory.PostAsync(admin, "/dashboard/admin/payouts/approve", PayoutQueueFactory.Selection([ids[i]]))).StatusCode);
            statuses.Add((await PayoutQueueFactory.PostAsync(admin, $"{partnerPage}/payouts/generate", [], partnerPage)).StatusCode);
        }
        statuses.Add((await PayoutQueueFactory.PostAsync(admin, $"{partnerPage}/listings",
            [new("marketplaceItemId", itemId.ToString()), new("commissionType", "percent"), new("commissionValue", "30")], partnerPage)).StatusCode);

        Assert.Equal(10, statuses.Count);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));

        // A tenant owner on its own partner dashboard: the third write within the window is refused.
        using var globex = await factory.BrowserAsAsync(Demo.GlobexOwner);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            answers.Add((await PayoutQueueFactory.PostAsync(globex, "/dashboard/partners/apply", [new("DisplayName", "")], "/dashboard/partners")).StatusCode);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], answers);
    }
}
