using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The partner dashboard's Stripe section, for a browser the login form signed in.</summary>
internal static class ConnectPages
{
    public const string SetUpForm = "action=\"/dashboard/partners/stripe/onboarding\"";

    public static Task<HttpClient> BrowserAsAsync(PartnerWebFactory app, string email) => BillingPages.BrowserAsAsync(app, email, ConnectFixture.OwnerPassword);

    /// <summary>Presses "Set up payouts with Stripe" as the dashboard's form does, antiforgery token included.</summary>
    public static async Task<HttpResponseMessage> SetUpAsync(HttpClient browser)
    {
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/dashboard/partners");
        return await browser.PostAsync("/dashboard/partners/stripe/onboarding",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }
}

/// <summary>
/// Issue 16, items 2 and 7: the Connect webhook keeps the partner's account state current from
/// <c>account.updated</c>, and the partner dashboard shows it. Every event is a whole Stripe account.
/// </summary>
public sealed class StripeConnectWebhookTests(ConnectFixture fixture) : IClassFixture<ConnectFixture>
{
    private PartnerWebFactory App => fixture.App;

    private async Task<(ConnectFixture.Partner Partner, string AccountId)> OnboardedAsync()
    {
        var partner = await ConnectFixture.PartnerAsync(App);
        var onboarding = await ConnectFixture.OnboardAsync(partner.Owner, partner.Id);
        return (partner, onboarding.GetProperty("accountId").GetString()!);
    }

    private static JsonObject Metadata(ConnectFixture.Partner partner) => new() { ["partnerId"] = partner.Id.ToString() };

    /// <summary>The account once its holder gave every detail: payouts enabled, nothing due.</summary>
    private static string Enabled(ConnectFixture.Partner partner, string accountId, string? eventId = null, DateTimeOffset? created = null) =>
        StripeObjects.AccountUpdated(eventId ?? $"evt_{Guid.NewGuid():N}",
            StripeObjects.Account(accountId, "DE", partner.ContactEmail, Metadata(partner), payoutsEnabled: true, currentlyDue: [], disabledReason: null),
            new JsonObject { ["payouts_enabled"] = false, ["details_submitted"] = false }, created);

    private static async Task<string> DeliverAsync(HttpClient client, string payload) =>
        (await (await Flows.PostSignedConnectWebhookAsync(client, payload)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString()!;

    /// <summary>What the partner's row says, and Stripe's time of it.</summary>
    private async Task<((bool Payouts, bool Charges, bool Details, string? Due, string? Reason) State, DateTime At)> RowAsync(Guid partnerId)
    {
        var a = await Flows.QueryAsync(App, db => db.PartnerStripeAccounts.AsNoTracking().SingleAsync(a => a.PartnerId == partnerId));
        return ((a.PayoutsEnabled, a.ChargesEnabled, a.DetailsSubmitted, a.RequirementsDue, a.DisabledReason), a.UpdatedAt);
    }

    [Fact]
    public async Task Payouts_enabled_makes_the_partner_ready_once_and_redelivered_older_or_equal_events_change_nothing()
    {
        var (partner, accountId) = await OnboardedAsync();
        using var stripe = App.CreateApiClient();
        var eventId = $"evt_{Guid.NewGuid():N}";
        var enabled = Enabled(partner, accountId, eventId);

        Assert.Equal("updated", await DeliverAsync(stripe, enabled));
        var state = await ConnectFixture.StateAsync(partner.Owner, partner.Id);
        Assert.Equal(("ready", true), (state.GetProperty("state").GetString(), state.GetProperty("payoutsEnabled").GetBoolean()));
        Assert.Empty(state.GetProperty("requirementsDue").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, state.GetProperty("disabledReason").ValueKind);
        var processed = await Flows.QueryAsync(App, db => db.ProcessedStripeEvents.AsNoTracking().SingleAsync(e => e.EventId == eventId));
        Assert.Equal(("account.updated", null, "updated"), (processed.Type, processed.InvoiceId, processed.Outcome));
        var ready = await RowAsync(partner.Id);

        Assert.Equal("duplicate", await DeliverAsync(stripe, enabled));
        // Stripe does not keep events in order: one from before the state held is stale, and moves nothing.
        var older = StripeObjects.AccountUpdated($"evt_{Guid.NewGuid():N}",
            StripeObjects.Account(accountId, "DE", partner.ContactEmail, Metadata(partner)), new JsonObject { ["email"] = null }, DateTimeOffset.UtcNow.AddMinutes(-2));
        Assert.Equal("stale", await DeliverAsync(stripe, older));
        Assert.Equal("unchanged", await DeliverAsync(stripe, Enabled(partner, accountId)));

        Assert.Equal("ready", (await ConnectFixture.StateAsync(partner.Owner, partner.Id)).GetProperty("state").GetString());
        Assert.Equal(ready.State, (await RowAsync(partner.Id)).State);
        Assert.Equal(1, await fixture.CountAsync(AuditActions.PartnerStripeAccountUpdated, partner.Id));
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.ProcessedStripeEvents.CountAsync(e => e.EventId == eventId)));
    }

    [Fact]
    public async Task The_same_event_delivered_at_once_is_applied_once()
    {
        var (partner, accountId) = await OnboardedAsync();
        using var stripe = App.CreateApiClient();
        var enabled = Enabled(partner, accountId);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DeliverAsync(stripe, enabled)));

        Assert.Equal(["duplicate", "duplicate", "duplicate", "updated"], outcomes.Order());
        Assert.Equal(1, await fixture.CountAsync(AuditActions.PartnerStripeAccountUpdated, partner.Id));
    }

    [Fact]
    public async Task A_reason_onboarding_cannot_fix_disables_the_account_and_a_pending_verification_still_needs_action()
    {
        var (partner, accountId) = await OnboardedAsync();
        using var stripe = App.CreateApiClient();
        string Update(string reason, string[] due) => StripeObjects.AccountUpdated($"evt_{Guid.NewGuid():N}",
            StripeObjects.Account(accountId, "DE", partner.ContactEmail, Metadata(partner), currentlyDue: due, disabledReason: reason), new JsonObject());

        Assert.Equal("updated", await DeliverAsync(stripe, Update("requirements.pending_verification", [])));
        var checking = await ConnectFixture.StateAsync(partner.Owner, partner.Id);
        Assert.Equal(("action_needed", "requirements.pending_verification"), (checking.GetProperty("state").GetString(), checking.GetProperty("disabledReason").GetString()));

        Assert.Equal("updated", await DeliverAsync(stripe, Update("rejected.fraud", [])));
        var disabled = await ConnectFixture.StateAsync(partner.Owner, partner.Id);
        Assert.Equal(("disabled", "rejected.fraud"), (disabled.GetProperty("state").GetString(), disabled.GetProperty("disabledReason").GetString()));
    }

    [Fact]
    public async Task Bad_signatures_are_refused_and_other_accounts_types_and_modes_are_acknowledged_and_change_nothing()
    {
        var (partner, accountId) = await OnboardedAsync();
        using var stripe = App.CreateApiClient();
        var enabled = Enabled(partner, accountId);
        var before = await RowAsync(partner.Id);
        var processed = await Flows.QueryAsync(App, db => db.ProcessedStripeEvents.CountAsync());

        // Signed with the platform endpoint's secret: each endpoint has its own.
        var wrongSecret = StripeSigner.Header(enabled, PartnerWebFactory.WebhookSecret, DateTimeOffset.UtcNow);
        await (await Flows.PostWebhookAsync(stripe, enabled, wrongSecret, Flows.ConnectWebhook)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Flows.PostWebhookAsync(stripe, enabled, null, Flows.ConnectWebhook)).AssertProblemAsync(HttpStatusCode.BadRequest);
        var stale = StripeSigner.Header(enabled, PartnerWebFactory.ConnectWebhookSecret, DateTimeOffset.UtcNow.AddSeconds(-301));
        await (await Flows.PostWebhookAsync(stripe, enabled, stale, Flows.ConnectWebhook)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var unknown = StripeObjects.AccountUpdated($"evt_{Guid.NewGuid():N}",
            StripeObjects.Account("acct_0000000000unknown", "DE", partner.ContactEmail, new JsonObject(), payoutsEnabled: true), new JsonObject());
        Assert.Equal("ignored", await DeliverAsync(stripe, unknown));
        Assert.Equal("ignored", await DeliverAsync(stripe, StripeObjects.ConnectEvent($"evt_{Guid.NewGuid():N}", "capability.updated", accountId,
            StripeObjects.Capability(accountId, "transfers", "active"), new JsonObject { ["status"] = "inactive" })));
        Assert.Equal("ignored", await DeliverAsync(stripe, enabled.Replace("\"livemode\":false", "\"livemode\":true", StringComparison.Ordinal)));
        // The platform endpoint leaves connected accounts' events to this one.
        Assert.Equal("ignored", await StripeSale.DeliverAsync(stripe, enabled));

        Assert.Equal(before, await RowAsync(partner.Id));
        Assert.Equal(processed, await Flows.QueryAsync(App, db => db.ProcessedStripeEvents.CountAsync()));
        Assert.Equal(0, await fixture.CountAsync(AuditActions.PartnerStripeAccountUpdated, partner.Id));

        // The same event, signed for this endpoint: the checks above refused it, not the event.
        Assert.Equal("updated", await DeliverAsync(stripe, enabled));
    }

    [Fact]
    public async Task Without_the_Connect_secret_the_endpoint_is_not_configured()
    {
        await using var app = PartnerWebFactory.On(null, new Dictionary<string, string?> { ["Stripe:ConnectWebhookSecret"] = "" });
        using var stripe = app.CreateApiClient();
        var payload = StripeObjects.AccountUpdated("evt_unconfigured", StripeObjects.Account("acct_0000000000000000", "DE", "x@connect.example", new JsonObject()), new JsonObject());

        var problem = await (await Flows.PostSignedConnectWebhookAsync(stripe, payload)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Stripe Connect webhooks are not configured on this server.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_dashboard_offers_the_set_up_sends_the_partner_to_Stripe_and_shows_ready_once_Stripe_says_so()
    {
        var partner = await ConnectFixture.PartnerAsync(App);
        using var browser = await ConnectPages.BrowserAsAsync(App, partner.Email);

        var before = await browser.GetStringAsync("/dashboard/partners");
        Assert.Contains("<h2>Payouts with Stripe</h2>", before);
        Assert.Contains(ConnectPages.SetUpForm, before);
        Assert.Contains("Set up payouts with Stripe", before);

        var response = await ConnectPages.SetUpAsync(browser);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var accountId = await Flows.QueryAsync(App, db => db.PartnerStripeAccounts.Where(a => a.PartnerId == partner.Id).Select(a => a.AccountId).SingleAsync());
        Assert.StartsWith($"https://connect.stripe.com/setup/e/{accountId}/", response.Headers.Location!.ToString());
        var link = Assert.Single(fixture.LinkCalls(accountId));
        Assert.Equal($"{browser.BaseAddress}dashboard/partners?stripe=return", link.Form["return_url"]);

        // Back from Stripe before its webhook: still to do, with what Stripe asked for.
        var back = await browser.GetStringAsync("/dashboard/partners?stripe=return");
        Assert.Contains("<strong class=\"state\">Action needed</strong>", back);
        Assert.Contains("<code>external_account</code>", back);
        Assert.Contains("Welcome back.", back);
        Assert.Contains(ConnectPages.SetUpForm, back);
        Assert.Contains("That Stripe link has expired", await browser.GetStringAsync("/dashboard/partners?stripe=refresh"));

        using var stripe = App.CreateApiClient();
        Assert.Equal("updated", await DeliverAsync(stripe, Enabled(partner, accountId)));
        var ready = await browser.GetStringAsync("/dashboard/partners");
        Assert.Contains("<strong class=\"state\">Ready</strong>", ready);
        Assert.DoesNotContain(ConnectPages.SetUpForm, ready);
    }
}
