using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// Issue 16, item 5: the app runs as a child process on a SQLite file against the fake Stripe API, which
/// makes the payout's transfer and holds its answer back; the app is killed -9 then, between Stripe's
/// work and the commit that would have recorded it. After a restart on the same file the payout must be
/// paid by that one transfer: the resume job finds it by its transfer group instead of making another.
/// </summary>
[Trait("Database", TestDatabase.SqliteOnly)]
[Collection(CrashRecoveryCollection.Name)]
public sealed class PayoutCrashTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "partnerweb-payout-crash", Guid.NewGuid().ToString("N"));
    private readonly string _secret = "whsec_payout_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private AppLog _log = null!;
    private FakeStripe _stripe = null!;
    private AppProcess? _app;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _log = new AppLog(Path.Combine(_dir, "app.log"));
        _stripe = await FakeStripe.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _app?.Dispose();
        _stripe.Release.TrySetResult();
        await _stripe.DisposeAsync();
    }

    private string DatabasePath => Path.Combine(_dir, "partnerweb.db");

    private Task<AppProcess> StartAsync() => AppProcess.StartAsync(DatabasePath, _secret, _log, new Dictionary<string, string>
    {
        ["Stripe__SecretKey"] = "sk_test_partnerweb_fake",
        ["Stripe__ApiBase"] = _stripe.BaseUrl,
    });

    [Fact]
    public async Task A_kill_between_the_transfer_and_its_commit_ends_with_exactly_one_transfer_and_the_payout_paid()
    {
        _app = await StartAsync();
        var adminToken = await _app.TokenAsync(Demo.PlatformAdmin);
        var shop = await Shop.SetUpAsync(_app, adminToken, [Sale.CrmAddOn], "Payout crash child", "owner@payout-crash.example");
        using var admin = _app.Client(adminToken);
        using var buyer = _app.Client(shop.BuyerToken);
        var invoice = await (await buyer.PostAsync($"/api/marketplace/items/{shop.Items[Sale.CrmAddOn.Name]}/install", null)).AssertJsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoice.GetProperty("invoice").GetProperty("id").GetGuid()}/mark-paid", new { }))
            .AssertJsonAsync(HttpStatusCode.OK);
        await Flows.EventuallyAsync(async () => (await (await admin.GetAsync($"/api/partners/{shop.PartnerId}/earnings")).AssertJsonAsync(HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength() == 1, "the partner's earning");
        var payoutId = (await (await admin.PostAsync($"/api/partners/{shop.PartnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created))
            .GetProperty("payouts")[0].GetProperty("id").GetGuid();
        await (await admin.PostAsync($"/api/partners/{shop.PartnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        await (await admin.PutAsJsonAsync($"/api/partners/{shop.PartnerId}/payout-preferences", new { method = "stripe_connect" })).AssertJsonAsync(HttpStatusCode.OK);
        const string account = "acct_payoutcrash";
        new SqliteFile(DatabasePath).Execute(
            $"INSERT INTO PartnerStripeAccounts (PartnerId, AccountId, PayoutsEnabled, ChargesEnabled, DetailsSubmitted, CreatedAt, UpdatedAt) " +
            $"VALUES ('{shop.PartnerId.ToString().ToUpperInvariant()}', '{account}', 1, 1, 1, '2026-12-01 00:00:00', '2026-12-01 00:00:00')");

        _stripe.HoldAnswersTo = "/v1/transfers";
        await (await admin.PostAsync($"/api/partners/{shop.PartnerId}/payouts/{payoutId}/send", null)).AssertJsonAsync(HttpStatusCode.Accepted);
        await _stripe.Held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        _app.Kill();
        _stripe.HoldAnswersTo = null;
        _stripe.Release.TrySetResult();
        var made = Assert.Single(_stripe.Transfers);

        _app.Dispose();
        _app = await StartAsync();
        using var restarted = _app.Client(adminToken);
        async Task<PayoutView> PayoutAsync() => new((await (await restarted.GetAsync($"/api/partners/{shop.PartnerId}/payouts")).AssertJsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == payoutId));
        await Flows.EventuallyAsync(async () => (await PayoutAsync()).Status == "paid", "the payout paid after the restart", 90);

        var paid = await PayoutAsync();
        Assert.Equal((string?)made["id"], paid.Reference);
        Assert.Single(_stripe.Transfers);
        Assert.Single(_stripe.Calls, c => c.Path == "/v1/transfers");
        ReliabilityFigures.Record("Crash recovery", "payout sent, kill -9 after Stripe made the transfer and before the commit: after the restart 1 transfer, payout paid by it");
    }

    private sealed record PayoutView(string Status, string? Reference)
    {
        public PayoutView(System.Text.Json.JsonElement payout)
            : this(payout.GetProperty("status").GetString()!, payout.GetProperty("reference").GetString())
        {
        }
    }
}
