using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The app against a local fake of Stripe's API, where every test makes partners of its own.</summary>
public sealed class ConnectFixture : IAsyncLifetime
{
    public const string OwnerPassword = Flows.ChildOwnerPassword;

    public FakeStripe Stripe { get; private set; } = null!;
    public PartnerWebFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        App = PartnerWebFactory.On(null, new Dictionary<string, string?>(Stripe.Settings) { ["RateLimiting:PartnerWrites:PermitLimit"] = "10000" });
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Stripe.DisposeAsync();
    }

    public sealed record Partner(Guid Id, string Email, string ContactEmail, HttpClient Owner);

    /// <summary>A new tenant (a child of Umbrella Resellers) whose owner applies as a partner, approved unless told otherwise.</summary>
    public static async Task<Partner> PartnerAsync(PartnerWebFactory app, bool approved = true)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var email = $"owner-{suffix}@connect.example";
        var owner = app.CreateApiClient();
        using (var umbrella = await app.ClientAsAsync(Demo.UmbrellaOwner))
            owner.DefaultRequestHeaders.Authorization = new("Bearer", (await Flows.ChildTenantAsync(umbrella, owner, $"Connect {suffix}", email, OwnerPassword)).Token);
        var contactEmail = $"payouts-{suffix}@connect.example";
        var applied = await (await owner.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName = $"Connect {suffix}", contactEmail, country = "de", payoutPreferences = new { method = "stripe_connect" },
        })).AssertJsonAsync(HttpStatusCode.Created);
        var id = applied.GetProperty("id").GetGuid();
        if (approved)
        {
            using var admin = await app.ClientAsAsync(Demo.PlatformAdmin);
            await (await admin.PostAsync($"/api/partners/{id}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        }
        return new Partner(id, email, contactEmail, owner);
    }

    public List<FakeStripe.Call> AccountCalls(Guid partnerId) =>
        Stripe.Calls.Where(c => c.Path == "/v1/accounts" && c.Form.GetValueOrDefault("metadata[partnerId]") == partnerId.ToString()).ToList();

    public List<FakeStripe.Call> LinkCalls(string accountId) =>
        Stripe.Calls.Where(c => c.Path == "/v1/account_links" && c.Form.GetValueOrDefault("account") == accountId).ToList();

    public static async Task<JsonElement> OnboardAsync(HttpClient client, Guid partnerId) =>
        await (await client.PostAsync($"/api/partners/{partnerId}/stripe/onboarding", null)).AssertJsonAsync(HttpStatusCode.OK);

    public static async Task<JsonElement> StateAsync(HttpClient client, Guid partnerId) =>
        await (await client.GetAsync($"/api/partners/{partnerId}/stripe")).AssertJsonAsync(HttpStatusCode.OK);

    public Task<int> CountAsync(string action, Guid partnerId) =>
        Flows.QueryAsync(App, db => db.AuditEvents.CountAsync(a => a.Action == action && a.EntityId == partnerId));
}

/// <summary>Issue 16, items 1 and 2: a partner sets up payouts with a Stripe Express connected account.</summary>
public sealed class StripeConnectTests(ConnectFixture fixture) : IClassFixture<ConnectFixture>
{
    private PartnerWebFactory App => fixture.App;

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task The_first_onboarding_makes_an_Express_account_and_every_call_answers_a_fresh_link_to_it()
    {
        var partner = await ConnectFixture.PartnerAsync(App);

        var first = await ConnectFixture.OnboardAsync(partner.Owner, partner.Id);
        var accountId = first.GetProperty("accountId").GetString()!;
        Assert.StartsWith("acct_", accountId);
        Assert.StartsWith($"https://connect.stripe.com/setup/e/{accountId}/", first.GetProperty("url").GetString());
        var expiresAt = first.GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expiresAt, DateTime.UtcNow.AddSeconds(240), DateTime.UtcNow.AddSeconds(301));

        var call = Assert.Single(fixture.AccountCalls(partner.Id));
        Assert.Equal($"connect-account-{partner.Id:N}", call.IdempotencyKey);
        var form = call.Form;
        Assert.Equal(("DE", partner.ContactEmail), (form["country"], form["email"]));
        Assert.Equal("true", form["capabilities[transfers][requested]"]);
        Assert.Equal(partner.Id.ToString(), form["metadata[partnerId]"]);
        // Express, said with the controller properties that replace the deprecated `type`.
        Assert.Equal(("express", "application", "application", "stripe"), (form["controller[stripe_dashboard][type]"], form["controller[fees][payer]"],
            form["controller[losses][payments]"], form["controller[requirement_collection]"]));
        Assert.False(form.ContainsKey("type"));

        var link = Assert.Single(fixture.LinkCalls(accountId));
        Assert.Equal("account_onboarding", link.Form["type"]);
        Assert.Equal($"{partner.Owner.BaseAddress}dashboard/partners?stripe=return", link.Form["return_url"]);
        Assert.Equal($"{partner.Owner.BaseAddress}dashboard/partners?stripe=refresh", link.Form["refresh_url"]);
        Assert.StartsWith($"connect-link-{partner.Id:N}-", link.IdempotencyKey);

        // The row and the state start where Stripe's answer was: payouts disabled until the details are given.
        var state = await ConnectFixture.StateAsync(partner.Owner, partner.Id);
        Assert.Equal((accountId, "action_needed", false), (state.GetProperty("accountId").GetString(), state.GetProperty("state").GetString(), state.GetProperty("payoutsEnabled").GetBoolean()));
        Assert.Equal(StripeObjects.NewAccountDue, Strings(state.GetProperty("requirementsDue")));
        Assert.Equal("requirements.past_due", state.GetProperty("disabledReason").GetString());
        Assert.Equal(1, await fixture.CountAsync(AuditActions.PartnerStripeAccountCreated, partner.Id));

        // Again, as a platform admin: the same account, no second one at Stripe, a new link.
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var second = await ConnectFixture.OnboardAsync(admin, partner.Id);
        Assert.Equal(accountId, second.GetProperty("accountId").GetString());
        Assert.NotEqual(first.GetProperty("url").GetString(), second.GetProperty("url").GetString());
        Assert.Single(fixture.AccountCalls(partner.Id));
        Assert.Equal(2, fixture.LinkCalls(accountId).Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.PartnerStripeAccounts.CountAsync(a => a.PartnerId == partner.Id)));
        Assert.Equal(1, await fixture.CountAsync(AuditActions.PartnerStripeAccountCreated, partner.Id));
    }

    [Fact]
    public async Task First_onboardings_at_once_send_one_idempotency_key_and_record_one_account()
    {
        var partner = await ConnectFixture.PartnerAsync(App);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => partner.Owner.PostAsync($"/api/partners/{partner.Id}/stripe/onboarding", null)));

        var accounts = await Task.WhenAll(answers.Select(async a => (await a.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accountId").GetString()));
        var accountId = Assert.Single(accounts.Distinct());
        Assert.All(fixture.AccountCalls(partner.Id), c => Assert.Equal($"connect-account-{partner.Id:N}", c.IdempotencyKey));
        Assert.Equal(accountId, await Flows.QueryAsync(App, db => db.PartnerStripeAccounts.Where(a => a.PartnerId == partner.Id).Select(a => a.AccountId).SingleAsync()));
        Assert.Equal(1, await fixture.CountAsync(AuditActions.PartnerStripeAccountCreated, partner.Id));
    }

    [Fact]
    public async Task Another_tenants_partner_is_not_found_staff_are_refused_and_a_pending_partner_must_wait()
    {
        var partner = await ConnectFixture.PartnerAsync(App);
        var pending = await ConnectFixture.PartnerAsync(App, approved: false);
        using var staff = await App.ClientAsAsync(Demo.AcmeStaff);
        var acmePartner = await PartnerFlows.ApprovedPartnerAsync(App, Demo.AcmeOwner);

        await (await pending.Owner.PostAsync($"/api/partners/{partner.Id}/stripe/onboarding", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await pending.Owner.GetAsync($"/api/partners/{partner.Id}/stripe")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await staff.PostAsync($"/api/partners/{acmePartner}/stripe/onboarding", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await staff.GetAsync($"/api/partners/{acmePartner}/stripe")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await pending.Owner.PostAsync($"/api/partners/{pending.Id}/stripe/onboarding", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsync($"/api/partners/{pending.Id}/stripe/onboarding", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("none", (await ConnectFixture.StateAsync(pending.Owner, pending.Id)).GetProperty("state").GetString());
        Assert.Empty(fixture.AccountCalls(partner.Id).Concat(fixture.AccountCalls(pending.Id)).Concat(fixture.AccountCalls(acmePartner)));
        Assert.Equal(0, await Flows.QueryAsync(App, db => db.PartnerStripeAccounts.CountAsync(a => a.PartnerId == partner.Id || a.PartnerId == pending.Id || a.PartnerId == acmePartner)));
    }

    [Fact]
    public async Task A_refusal_by_Stripe_is_a_bad_gateway_and_records_nothing()
    {
        var partner = await ConnectFixture.PartnerAsync(App);
        fixture.Stripe.Refuses = true;
        try
        {
            await (await partner.Owner.PostAsync($"/api/partners/{partner.Id}/stripe/onboarding", null)).AssertProblemAsync(HttpStatusCode.BadGateway);
        }
        finally
        {
            fixture.Stripe.Refuses = false;
        }
        Assert.Single(fixture.AccountCalls(partner.Id));
        Assert.Equal("none", (await ConnectFixture.StateAsync(partner.Owner, partner.Id)).GetProperty("state").GetString());
        Assert.Equal(0, await fixture.CountAsync(AuditActions.PartnerStripeAccountCreated, partner.Id));
    }

    [Fact]
    public async Task Without_a_secret_key_Stripe_is_not_configured_and_the_dashboard_says_so_instead_of_offering_the_button()
    {
        await using var app = PartnerWebFactory.On(null, new Dictionary<string, string?> { ["RateLimiting:PartnerWrites:PermitLimit"] = "10000" });
        var partner = await ConnectFixture.PartnerAsync(app);

        var problem = await (await partner.Owner.PostAsync($"/api/partners/{partner.Id}/stripe/onboarding", null)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Stripe is not configured on this server.", problem.GetProperty("title").GetString());
        Assert.Equal("none", (await ConnectFixture.StateAsync(partner.Owner, partner.Id)).GetProperty("state").GetString());
        Assert.Equal(0, await Flows.QueryAsync(app, db => db.PartnerStripeAccounts.CountAsync()));

        using var browser = await ConnectPages.BrowserAsAsync(app, partner.Email);
        var page = await browser.GetStringAsync("/dashboard/partners");
        Assert.Contains("Payouts with Stripe are not available: Stripe is not configured on this server.", page);
        Assert.DoesNotContain(ConnectPages.SetUpForm, page);
    }
}
