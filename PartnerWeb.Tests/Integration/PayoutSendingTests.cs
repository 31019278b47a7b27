using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 16, items 3 to 5: an approved payout is sent through Stripe Connect as one transfer, however many
/// sends, retries and restarts it meets; a refusal fails it for a later send; a reversal owes it again.
/// </summary>
public sealed class PayoutSendingTests(TakeBackFixture fixture) : IClassFixture<TakeBackFixture>
{
    private PartnerWebFactory App => fixture.App;

    /// <summary>A partner of its own (Acme's tenant is the fixture's), with a Stripe account whose payouts are enabled.</summary>
    private async Task<(Guid PartnerId, string AccountId)> SendablePartnerAsync(bool payoutsEnabled = true)
    {
        var (partnerId, seller) = await SellingPartnerAsync();
        seller.Dispose();
        var accountId = $"acct_{partnerId:N}"[..21];
        await Flows.QueryAsync(App, async db =>
        {
            db.PartnerStripeAccounts.Add(new PartnerStripeAccount
            {
                PartnerId = partnerId, AccountId = accountId, PayoutsEnabled = payoutsEnabled, ChargesEnabled = payoutsEnabled, DetailsSubmitted = true,
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        return (partnerId, accountId);
    }

    /// <summary>An approved stripe_connect partner of a new tenant with one 10000 sale; its owner's client.</summary>
    private async Task<(Guid PartnerId, HttpClient Seller)> SellingPartnerAsync()
    {
        using var umbrella = await App.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var email = $"owner-{suffix}@seller.example";
        var seller = App.CreateApiClient();
        var (_, token) = await Flows.ChildTenantAsync(umbrella, seller, $"Seller {suffix}", email);
        seller.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var partner = await (await seller.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName = $"Seller {suffix}", contactEmail = $"partners@{suffix}.example", country = "US", payoutPreferences = new { method = "stripe_connect" },
        })).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = partner.GetProperty("id").GetGuid();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        var itemId = await PartnerFlows.PublishAsync(seller, $"Seller {suffix} add-on", 10000);
        await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
        await PartnerFlows.SellAsync(App, itemId, partnerId);
        return (partnerId, seller);
    }

    /// <summary>Generates and approves the partner's payout: 7000 net of its 10000 sale at 30% commission.</summary>
    private async Task<Guid> ApprovedPayoutAsync(HttpClient admin, Guid partnerId)
    {
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        return payoutId;
    }

    private Task<PartnerPayout> PayoutAsync(Guid payoutId) =>
        Flows.QueryAsync(App, db => db.PartnerPayouts.AsNoTracking().SingleAsync(p => p.Id == payoutId));

    private async Task<PartnerPayout> SettledAsync(Guid payoutId)
    {
        await Flows.EventuallyAsync(async () => (await PayoutAsync(payoutId)).Status != PayoutStatus.Processing, "the transfer job");
        return await PayoutAsync(payoutId);
    }

    private List<FakeStripe.Call> TransferCalls(string accountId) =>
        fixture.Stripe.Calls.Where(c => c.Path == "/v1/transfers" && c.Form.GetValueOrDefault("destination") == accountId).ToList();

    [Fact]
    public async Task Five_sends_at_once_make_one_transfer_and_the_payout_is_paid_by_it()
    {
        var (partnerId, accountId) = await SendablePartnerAsync();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(admin, partnerId);

        var sends = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null))));
        // Each answer is the payout as the send found it: on its way (or, read after the quick job, already paid), or
        // for a send that came after the job, a conflict saying it is paid. One send won the move to processing.
        var answers = new List<string>();
        foreach (var send in sends)
            answers.Add(send.StatusCode == HttpStatusCode.Accepted
                ? (await send.AssertJsonAsync(HttpStatusCode.Accepted)).GetProperty("status").GetString()!
                : (await send.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("title").GetString()!);
        Assert.Contains(answers, a => a is "processing" or "paid");
        Assert.All(answers, a => Assert.True(a is "processing" or "paid" || a.EndsWith("This one is paid.", StringComparison.Ordinal), a));

        var paid = await SettledAsync(payoutId);
        var call = Assert.Single(TransferCalls(accountId));
        Assert.Equal($"payout-{payoutId}", call.IdempotencyKey);
        Assert.Equal(("7000", "usd", payoutId.ToString(), payoutId.ToString()),
            (call.Form["amount"], call.Form["currency"], call.Form["transfer_group"], call.Form["metadata[payoutId]"]));
        var transfer = Assert.Single(fixture.Stripe.Transfers, t => (string?)t["destination"] == accountId);
        Assert.Equal((PayoutStatus.Paid, (string?)transfer["id"]!.GetValue<string>(), 1), (paid.Status, paid.Reference, paid.SendAttempts));
        Assert.NotNull(paid.PaidAt);
        Assert.Equal((1, 1), await Flows.QueryAsync(App, async db => (
            await db.AuditEvents.CountAsync(a => a.EntityId == payoutId && a.Action == AuditActions.PartnerPayoutSending),
            await db.AuditEvents.CountAsync(a => a.EntityId == payoutId && a.Action == AuditActions.PartnerPayoutSent))));

        // Paid is final for sending.
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_refused_destination_fails_the_payout_and_a_later_send_with_a_new_key_pays_it()
    {
        var (partnerId, accountId) = await SendablePartnerAsync();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(admin, partnerId);
        fixture.Stripe.FailingDestinations[accountId] = true;

        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertJsonAsync(HttpStatusCode.Accepted);
        var failed = await SettledAsync(payoutId);
        Assert.Equal(PayoutStatus.Failed, failed.Status);
        Assert.Contains("cannot receive transfers", failed.FailureMessage);
        Assert.Equal(7000, await Flows.QueryAsync(App, db => db.PartnerEarnings.Where(e => e.PayoutId == payoutId).SumAsync(e => e.PartnerNet)));

        fixture.Stripe.FailingDestinations.TryRemove(accountId, out _);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertJsonAsync(HttpStatusCode.Accepted);
        var paid = await SettledAsync(payoutId);
        Assert.Equal((PayoutStatus.Paid, 2, (string?)null), (paid.Status, paid.SendAttempts, paid.FailureMessage));
        Assert.Equal([$"payout-{payoutId}", $"payout-{payoutId}-2"], TransferCalls(accountId).Select(c => c.IdempotencyKey).ToList());
        Assert.Single(fixture.Stripe.Transfers, t => (string?)t["destination"] == accountId);
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.AuditEvents.CountAsync(a => a.EntityId == payoutId && a.Action == AuditActions.PartnerPayoutFailed)));
    }

    [Fact]
    public async Task A_payout_left_processing_after_its_transfer_was_made_is_paid_by_that_transfer_not_a_second()
    {
        var (partnerId, accountId) = await SendablePartnerAsync();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(admin, partnerId);
        // As if the instance died after Stripe made the transfer and before it committed: processing, with a transfer in its group.
        var made = StripeObjects.Transfer($"tr_{Guid.NewGuid():N}"[..27], 7000, "usd", accountId, payoutId.ToString(), new() { ["payoutId"] = payoutId.ToString() });
        fixture.Stripe.Transfers.Enqueue(made);
        await Flows.QueryAsync(App, db => db.PartnerPayouts.Where(p => p.Id == payoutId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, PayoutStatus.Processing).SetProperty(p => p.SendAttempts, 1).SetProperty(p => p.SentAt, DateTime.UtcNow.AddHours(-1))));

        // Not paid by hand meanwhile: that could pay it twice.
        var byHand = await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/payouts/{payoutId}/mark-paid", new { reference = "wire" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("The payout is being sent with Stripe; its transfer settles it.", byHand.GetProperty("title").GetString());

        using (var scope = App.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<Jobs.ResumePayoutSendsJob>().RunAtStartupAsync(default) >= 1);

        var paid = await SettledAsync(payoutId);
        Assert.Equal((PayoutStatus.Paid, (string?)made["id"]!.GetValue<string>()), (paid.Status, paid.Reference));
        Assert.Empty(TransferCalls(accountId));
    }

    [Fact]
    public async Task Payouts_that_cannot_be_sent_say_why_and_change_nothing()
    {
        var (partnerId, _) = await SendablePartnerAsync(payoutsEnabled: false);
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();

        var notReady = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.StartsWith("The partner's Stripe account cannot receive payouts yet", notReady.GetProperty("title").GetString());
        await Flows.QueryAsync(App, db => db.PartnerStripeAccounts.Where(a => a.PartnerId == partnerId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PayoutsEnabled, true)));
        // Owed, not approved.
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{Guid.NewGuid()}/send", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        using var acme = await App.ClientAsAsync(Demo.AcmeOwner);
        await (await acme.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertProblemAsync(HttpStatusCode.Forbidden);

        // A partner paid by hand is not sent with Stripe, whatever its account says.
        await (await admin.PutAsJsonAsync($"/api/partners/{partnerId}/payout-preferences", new { method = "bank_transfer", accountHolder = "Seller Ltd", iban = "DE89370400440532013000" }))
            .AssertJsonAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        var manual = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.StartsWith("The partner is paid by hand (bank_transfer)", manual.GetProperty("title").GetString());
        await (await admin.PutAsJsonAsync($"/api/partners/{partnerId}/payout-preferences", new { method = "stripe_connect" })).AssertJsonAsync(HttpStatusCode.OK);

        var payout = await PayoutAsync(payoutId);
        Assert.Equal((PayoutStatus.Approved, 0), (payout.Status, payout.SendAttempts));

        // "Send all approved" takes it.
        var sent = await (await admin.PostAsync("/api/partners/payouts/send-approved", null)).AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Contains(sent.GetProperty("queued").EnumerateArray(), p => p.GetProperty("id").GetGuid() == payoutId);
        Assert.Equal(PayoutStatus.Paid, (await SettledAsync(payoutId)).Status);
    }

    [Fact]
    public async Task A_reversed_transfer_owes_the_amount_again_and_the_next_payout_pays_it()
    {
        var (partnerId, accountId) = await SendablePartnerAsync();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(admin, partnerId);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(PayoutStatus.Paid, (await SettledAsync(payoutId)).Status);

        var transfer = fixture.Stripe.Transfers.Single(t => (string?)t["destination"] == accountId);
        var reversed = StripeObjects.Event($"evt_trr_{payoutId:N}", "transfer.reversed", StripeObjects.Reversed(transfer, 7000));
        Assert.Equal("payout_reversed", await StripeSale.DeliverAsync(admin, reversed));
        Assert.Equal("duplicate", await StripeSale.DeliverAsync(admin, reversed));

        var payout = await PayoutAsync(payoutId);
        Assert.Equal((PayoutStatus.Reversed, 7000L), (payout.Status, payout.ReversedAmount));
        var returned = await Flows.QueryAsync(App, db => db.PartnerEarnings.AsNoTracking().SingleAsync(e => e.ReturnsPayoutId == payoutId));
        Assert.Equal((EntryKind.PayoutReturn, 7000L, (Guid?)null, (Guid?)null), (returned.Kind, returned.PartnerNet, returned.InvoiceId, returned.PayoutId));
        Assert.Equal(1, await Flows.QueryAsync(App, db => db.AuditEvents.CountAsync(a => a.EntityId == payoutId && a.Action == AuditActions.PartnerPayoutReversed)));

        var next = (await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("payouts")[0];
        Assert.Equal(7000, next.GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task The_admin_partner_page_sends_with_Stripe_and_the_partner_sees_the_transfer()
    {
        var (partnerId, _) = await SendablePartnerAsync();
        using var api = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(api, partnerId);
        using var browser = App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var page = await (await browser.GetAsync($"/dashboard/admin/partners/{partnerId}")).Content.ReadAsStringAsync();
        Assert.Contains($"/payouts/{payoutId}/send", page);
        Assert.Contains("Send with Stripe", page);

        var token = await CookieLogin.AntiforgeryTokenAsync(browser, $"/dashboard/admin/partners/{partnerId}");
        var send = new HttpRequestMessage(HttpMethod.Post, $"/dashboard/admin/partners/{partnerId}/payouts/{payoutId}/send")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        send.Headers.Add("HX-Request", "true");
        var answer = await browser.SendAsync(send);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var fragment = await answer.Content.ReadAsStringAsync();
        // The payouts fragment again, the payout on its way (or already paid: the job is quick), with no button to send it twice.
        Assert.StartsWith("<section class=\"card\" id=\"payouts\">", fragment.TrimStart());
        Assert.Contains($"id=\"payout-{payoutId}\"", fragment);
        Assert.DoesNotContain($"/payouts/{payoutId}/send", fragment);
        var paid = await SettledAsync(payoutId);

        var after = await (await browser.GetAsync($"/dashboard/admin/partners/{partnerId}")).Content.ReadAsStringAsync();
        Assert.Contains(paid.Reference!, after);
        Assert.DoesNotContain($"/payouts/{payoutId}/send", after);
    }

    [Fact]
    public async Task A_partner_onboarded_and_made_ready_by_account_updated_is_sent_its_payout()
    {
        var (partnerId, seller) = await SellingPartnerAsync();
        using var _ = seller;
        var onboarding = await (await seller.PostAsync($"/api/partners/{partnerId}/stripe/onboarding", null)).AssertJsonAsync(HttpStatusCode.OK);
        var accountId = onboarding.GetProperty("accountId").GetString()!;
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(admin, partnerId);

        var early = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.StartsWith("The partner's Stripe account cannot receive payouts yet", early.GetProperty("title").GetString());

        var ready = StripeObjects.Account(accountId, "US", $"partners@{partnerId:N}.example", new() { ["partnerId"] = partnerId.ToString() },
            payoutsEnabled: true, currentlyDue: [], disabledReason: null);
        await (await Flows.PostSignedConnectWebhookAsync(admin, StripeObjects.AccountUpdated($"evt_ready_{partnerId:N}", ready, new() { ["payouts_enabled"] = false })))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("ready", (await (await seller.GetAsync($"/api/partners/{partnerId}/stripe")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString());

        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/send", null)).AssertJsonAsync(HttpStatusCode.Accepted);
        var paid = await SettledAsync(payoutId);
        Assert.Equal(PayoutStatus.Paid, paid.Status);
        Assert.Equal(accountId, Assert.Single(TransferCalls(accountId)).Form["destination"]);
    }

    [Fact]
    public async Task A_partner_suspended_after_its_payout_was_sent_gets_no_transfer_and_the_payout_fails()
    {
        var (partnerId, accountId) = await SendablePartnerAsync();
        using var admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        var payoutId = await ApprovedPayoutAsync(admin, partnerId);
        // Sent, and the job not run yet (as if queued behind others), then the partner is suspended.
        await Flows.QueryAsync(App, db => db.PartnerPayouts.Where(p => p.Id == payoutId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, PayoutStatus.Processing).SetProperty(p => p.SendAttempts, 1).SetProperty(p => p.SentAt, DateTime.UtcNow)));
        await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/suspend", new { reason = "fraud review" })).AssertJsonAsync(HttpStatusCode.OK);

        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Jobs.SendPayoutJob>().RunAsync(payoutId, default);

        var failed = await PayoutAsync(payoutId);
        Assert.Equal((PayoutStatus.Failed, "The partner was suspended before the transfer was made."), (failed.Status, failed.FailureMessage));
        Assert.Empty(TransferCalls(accountId));
    }
}
