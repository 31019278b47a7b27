using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class UnlimitedPartnerWritesFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
{
    ["RateLimiting:PartnerWrites:PermitLimit"] = "10000",
})
{
    private Task<Guid>? _acmePartner;

    /// <summary>Acme as an approved partner with its CRM add-on listed at 30%, made once per app.</summary>
    public Task<Guid> AcmePartnerAsync() => _acmePartner ??= CreateAcmePartnerAsync();

    private async Task<Guid> CreateAcmePartnerAsync()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(this, Demo.AcmeOwner);
        using var admin = await ClientAsAsync(Demo.PlatformAdmin);
        await PartnerFlows.CreateListingAsync(admin, partnerId, await Flows.ItemIdAsync(this, "Acme CRM Add-on"), "percent", 30m);
        return partnerId;
    }
}

public sealed class PartnerConcurrencyTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    [Fact]
    public async Task The_unique_index_refuses_a_second_earning_even_past_the_job()
    {
        var partnerId = await factory.AcmePartnerAsync();
        var invoiceId = await PartnerFlows.SellAsync(factory, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"), partnerId);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.AppDbContext>();
        db.PartnerEarnings.Add(new PartnerEarning
        {
            Id = Guid.NewGuid(), PartnerId = partnerId, InvoiceId = invoiceId, Currency = "USD",
            GrossAmount = 1, CommissionAmount = 0, PartnerNet = 1, CreatedAt = DateTime.UtcNow,
        });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveInTransactionAsync());
    }

    [Fact]
    public async Task Five_racing_payout_generations_put_every_earning_in_exactly_one_payout()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        var usdItem = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        var eurItem = await PartnerFlows.PublishAsync(acme, $"Acme EUR Pack {Guid.NewGuid():N}", 999, "EUR");
        await PartnerFlows.CreateListingAsync(acme, partnerId, eurItem);
        for (var i = 0; i < 6; i++)
        {
            await PartnerFlows.SellAsync(factory, usdItem, partnerId);
            await PartnerFlows.SellAsync(factory, eurItem, partnerId);
        }

        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Task.Run(() => admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null))));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));

        var (earnings, payouts) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerEarnings.Where(e => e.PartnerId == partnerId).ToListAsync(),
            await db.PartnerPayouts.Where(p => p.PartnerId == partnerId).ToListAsync()));
        Assert.All(earnings, e => Assert.NotNull(e.PayoutId));
        Assert.All(earnings, e => Assert.Contains(payouts, p => p.Id == e.PayoutId && p.Currency == e.Currency));
        foreach (var payout in payouts)
            Assert.Equal(earnings.Where(e => e.PayoutId == payout.Id).Sum(e => e.PartnerNet), payout.Amount);
        Assert.Equal(earnings.Sum(e => e.PartnerNet), payouts.Sum(p => p.Amount));
        Assert.Equal(payouts.Count, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == AuditActions.PartnerPayoutGenerated && a.Data.Contains(partnerId.ToString()))));
        // The partner's default commission is 30%: 999 → 300 commission, 699 net.
        Assert.All(earnings.Where(e => e.Currency == "EUR"), e => Assert.Equal((999L, 300L, 699L), (e.GrossAmount, e.CommissionAmount, e.PartnerNet)));
        ReliabilityFigures.Record("Races: payouts", $"5 racing payout generations over {earnings.Count} earnings in 2 currencies: {payouts.Count} payouts, every earning in exactly one, Σ payouts = Σ nets = {earnings.Sum(e => e.PartnerNet)}");
    }

    [Fact]
    public async Task Racing_approvals_and_payments_of_one_payout_each_happen_once()
    {
        var partnerId = await factory.AcmePartnerAsync();
        await PartnerFlows.SellAsync(factory, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"), partnerId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();

        var approvals = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null))));
        Assert.Equal(1, approvals.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, approvals.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var payments = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            admin.PostAsJsonAsync($"/api/partners/{partnerId}/payouts/{payoutId}/mark-paid", new { reference = $"ref-{i}" }))));
        Assert.Equal(1, payments.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, payments.Count(r => r.StatusCode == HttpStatusCode.Conflict));

        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == payoutId && a.Action == AuditActions.PartnerPayoutApproved)));
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.EntityId == payoutId && a.Action == AuditActions.PartnerPayoutPaid)));
        ReliabilityFigures.Record("Races: payouts", "10 racing approvals then 10 racing mark-paids of one payout: 1 + 1 succeeded, 18 answered 409, 1 audit event per transition");
    }

    /// <summary>
    /// A partner's status is checked by the statements that move its money, not read before them: a
    /// caller holding the account as read while the partner was approved (the payout job) makes no
    /// payout once a suspension has committed, and an owed payout cannot be approved.
    /// </summary>
    [Fact]
    public async Task A_suspension_committed_after_the_partner_was_read_stops_its_payouts()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        using var initech = await factory.ClientAsAsync(Demo.InitechOwner);
        var itemId = await PartnerFlows.PublishAsync(initech, $"Initech Pack {Guid.NewGuid():N}", 5000);
        await PartnerFlows.CreateListingAsync(initech, partnerId, itemId);
        await PartnerFlows.SellAsync(factory, itemId, partnerId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();
        await PartnerFlows.SellAsync(factory, itemId, partnerId);
        var readWhileApproved = await Flows.QueryAsync(factory, db => db.PartnerAccounts.AsNoTracking().SingleAsync(p => p.Id == partnerId));

        await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/suspend", new { reason = "review" })).AssertJsonAsync(HttpStatusCode.OK);
        Result<GeneratedPayouts> late;
        using (var scope = factory.Services.CreateScope())
            late = await scope.ServiceProvider.GetRequiredService<PayoutService>().GenerateForAsync(readWhileApproved, CancellationToken.None);
        var approve = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal((409, "Payouts wait while the partner is suspended."), (late.Error?.Status, late.Error?.Title));
        Assert.Equal("Payouts wait while the partner is suspended.", approve.GetProperty("title").GetString());
        var (payouts, unattached, status) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerPayouts.CountAsync(p => p.PartnerId == partnerId),
            await db.PartnerEarnings.CountAsync(e => e.PartnerId == partnerId && e.PayoutId == null),
            await db.PartnerPayouts.Where(p => p.Id == payoutId).Select(p => p.Status).SingleAsync()));
        Assert.Equal((1, 1, PayoutStatus.Owed), (payouts, unattached, status));
    }
}
