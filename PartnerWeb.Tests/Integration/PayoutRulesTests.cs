using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Data;
using PartnerWeb.Features.Partners;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Hold period 30 days, a USD minimum of 18060 and the second-approver rule, with a clock the test moves.</summary>
public sealed class PayoutRulesFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
{
    ["RateLimiting:PartnerWrites:PermitLimit"] = "10000",
    ["Partners:HoldDays"] = "30",
    ["Partners:MinimumPayout:USD"] = "18060",
    ["Partners:RequireSecondApprover"] = "true",
    // The tests move the clock by weeks; tokens must outlive that.
    ["Auth:TokenLifetimeMinutes"] = "525600",
})
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public sealed class PayoutRulesTests(PayoutRulesFactory factory) : IClassFixture<PayoutRulesFactory>
{
    /// <summary>The payout job's path: the service, with no signed-in user.</summary>
    private async Task<int> GenerateAsync(Guid partnerId)
    {
        using var scope = factory.Services.CreateScope();
        var partner = await scope.ServiceProvider.GetRequiredService<AppDbContext>().PartnerAccounts.AsNoTracking().SingleAsync(p => p.Id == partnerId);
        return (await scope.ServiceProvider.GetRequiredService<PayoutService>().GenerateForAsync(partner, CancellationToken.None)).Value!.Payouts.Count;
    }

    [Fact]
    public async Task Holds_minimums_and_the_second_approver_are_respected_at_their_boundaries()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using (var admin = await factory.ClientAsAsync(Demo.PlatformAdmin))
            await PartnerFlows.CreateListingAsync(admin, partnerId, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"), "percent", 30m);
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        var soldAt = factory.Clock.GetUtcNow();
        var first = await PartnerFlows.SellAsync(factory, itemId, partnerId);
        var second = await PartnerFlows.SellAsync(factory, itemId, partnerId);

        var earning = await Flows.QueryAsync(factory, db => db.PartnerEarnings.AsNoTracking().SingleAsync(e => e.InvoiceId == first));
        Assert.Equal(soldAt.UtcDateTime.AddDays(30), earning.PayableAt, TimeSpan.FromSeconds(1));
        using (var acme = await factory.ClientAsAsync(Demo.AcmeOwner))
        {
            var balance = (await (await acme.GetAsync("/api/partners/my/earnings")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("balances")[0];
            Assert.Equal((18060L, 0L, 18060L), (balance.GetProperty("balance").GetInt64(), balance.GetProperty("payableNow").GetInt64(), balance.GetProperty("missingForPayout").GetInt64()));
            Assert.Equal(earning.PayableAt, (await (await acme.GetAsync("/api/partners/my/earnings")).AssertJsonAsync(HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Single(e => e.GetProperty("invoiceId").GetGuid() == first).GetProperty("payableAt").GetDateTime(), TimeSpan.FromSeconds(1));
        }

        // One second before the hold ends nothing is payable; at the end both are, and 18060 meets the minimum exactly.
        factory.Clock.SetUtcNow(earning.PayableAt.AddSeconds(-1));
        Assert.Equal(0, await GenerateAsync(partnerId));
        factory.Clock.SetUtcNow(await Flows.QueryAsync(factory, db => db.PartnerEarnings.Where(e => e.PartnerId == partnerId).MaxAsync(e => e.PayableAt)));
        Assert.Equal(1, await GenerateAsync(partnerId));
        var payout = await Flows.QueryAsync(factory, db => db.PartnerPayouts.AsNoTracking().SingleAsync(p => p.PartnerId == partnerId));
        Assert.Equal(18060, payout.Amount);

        // Below the minimum (9030 < 18060) nothing is generated, and the balance says what is missing.
        var third = await PartnerFlows.SellAsync(factory, itemId, partnerId);
        factory.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(0, await GenerateAsync(partnerId));
        _ = (second, third);
    }

    [Fact]
    public async Task The_admin_who_generated_a_payout_cannot_approve_it()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        using var initech = await factory.ClientAsAsync(Demo.InitechOwner);
        var itemId = await PartnerFlows.PublishAsync(initech, $"Initech Big Pack {Guid.NewGuid():N}", 30000);
        await PartnerFlows.CreateListingAsync(initech, partnerId, itemId);
        await PartnerFlows.SellAsync(factory, itemId, partnerId);
        factory.Clock.Advance(TimeSpan.FromDays(30));

        using var generator = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var generated = await (await generator.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();
        Assert.Equal(21000, generated.GetProperty("payouts")[0].GetProperty("amount").GetInt64());

        await (await generator.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var second = await factory.ClientAsAsync(Demo.PlatformOwner);
        var approved = await (await second.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approved.GetProperty("status").GetString());
    }
}
