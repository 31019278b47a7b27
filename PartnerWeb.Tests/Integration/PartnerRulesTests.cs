using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The rules of spec §8 beyond the happy path: validation, ownership of listings, pausing, suspension, filters.</summary>
public sealed class PartnerRulesTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private Task<int> RowCountAsync() => Flows.QueryAsync(factory, async db =>
        await db.PartnerAccounts.CountAsync() + await db.PartnerListings.CountAsync() + await db.AuditEvents.CountAsync());

    [Theory]
    [InlineData("""{"displayName":"","contactEmail":"a@b.example","country":"US","payoutPreferences":{"method":"stripe_connect"}}""", "displayName")]
    [InlineData("""{"displayName":"X","contactEmail":"not-an-email","country":"US","payoutPreferences":{"method":"stripe_connect"}}""", "contactEmail")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"USA","payoutPreferences":{"method":"stripe_connect"}}""", "country")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"ZZ","payoutPreferences":{"method":"stripe_connect"}}""", "country")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"US"}""", "payoutPreferences")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"US","payoutPreferences":"bank"}""", "payoutPreferences")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"US","payoutPreferences":{"iban":"x"}}""", "payoutPreferences")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"US","payoutPreferences":{"method":"bank"}}""", "payoutPreferences")]
    [InlineData("""{"displayName":"X","contactEmail":"a@b.example","country":"US","payoutPreferences":{"method":"paypal","email":"x@y.example","iban":"x"}}""", "payoutPreferences.iban")]
    public async Task Bad_applications_are_400_and_write_nothing(string json, string field)
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var before = await RowCountAsync();
        var response = await globex.PostAsync("/api/partners/apply", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        // A field the JSON could not be read into is named like every other field: its camelCase name, no JSON path.
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name == field), problem.ToString());
        Assert.Equal(before, await RowCountAsync());
    }

    [Fact]
    public async Task A_display_name_over_200_characters_is_400()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var response = await globex.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName = new string('x', 201), contactEmail = "a@b.example", country = "US", payoutPreferences = new { method = "stripe_connect" },
        });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_approved_partner_publishes_and_lists_its_own_items_at_the_default_commission_only()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var acme = await factory.ClientAsAsync(Demo.AcmeAdmin);
        var itemId = await PartnerFlows.PublishAsync(acme, $"Acme Theme {Guid.NewGuid():N}", 2000);
        var acmeTenant = await Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.Name == "Acme Templates").Select(t => t.Id).SingleAsync());
        Assert.Equal(acmeTenant, await Flows.QueryAsync(factory, db => db.MarketplaceItems.Where(i => i.Id == itemId).Select(i => i.PublisherTenantId).SingleAsync()));

        // Setting the commission is the platform's call.
        await (await acme.PostAsJsonAsync($"/api/partners/{partnerId}/listings", new { marketplaceItemId = itemId, commissionType = "percent", commissionValue = 1 }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        // Someone else's item is not the partner's to list.
        var platformItem = await Flows.TemplateIdAsync(factory);
        await (await acme.PostAsJsonAsync($"/api/partners/{partnerId}/listings", new { marketplaceItemId = platformItem })).AssertProblemAsync(HttpStatusCode.Forbidden);

        var listing = await PartnerFlows.CreateListingAsync(acme, partnerId, itemId);
        Assert.Equal(("percent", 30m), (listing.GetProperty("commissionType").GetString(), listing.GetProperty("commissionValue").GetDecimal()));
        await (await acme.PostAsJsonAsync($"/api/partners/{partnerId}/listings", new { marketplaceItemId = itemId })).AssertProblemAsync(HttpStatusCode.Conflict);

        // The partner pauses and resumes, but may not touch the commission.
        var listingId = listing.GetProperty("id").GetGuid();
        await (await acme.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { commissionValue = 1 })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var paused = await (await acme.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { status = "paused" })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("paused", paused.GetProperty("status").GetString());

        // A paused listing's item cannot be installed.
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await globex.PostAsync($"/api/marketplace/items/{itemId}/install", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await acme.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { status = "active" })).AssertJsonAsync(HttpStatusCode.OK);
        await Flows.InstallAsync(globex, itemId);

        // The platform admin changes the commission; invalid values are refused.
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var fixedRule = await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { commissionType = "fixed", commissionValue = 500 })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("fixed", 500m), (fixedRule.GetProperty("commissionType").GetString(), fixedRule.GetProperty("commissionValue").GetDecimal()));
        await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { commissionValue = 1.5 })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { commissionType = "percent" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { commissionType = "percent", commissionValue = 100.5 })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { status = "deleted" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{Guid.NewGuid()}", new { status = "paused" })).AssertProblemAsync(HttpStatusCode.NotFound);
        var unchanged = await (await acme.GetAsync($"/api/partners/{partnerId}/listings?limit=200")).AssertJsonAsync(HttpStatusCode.OK);
        var current = unchanged.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == listingId);
        Assert.Equal(("fixed", 500m, "active"), (current.GetProperty("commissionType").GetString(), current.GetProperty("commissionValue").GetDecimal(), current.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Customers_and_pending_partners_may_not_publish_items()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await globex.PostAsJsonAsync("/api/marketplace/items", new { name = "N", type = "addon", price = 1, currency = "USD" })).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_suspended_partners_items_stop_selling_what_was_sold_still_earns_and_its_payouts_wait()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        using var initech = await factory.ClientAsAsync(Demo.InitechOwner);
        var itemId = await PartnerFlows.PublishAsync(initech, $"Initech Widget {Guid.NewGuid():N}", 1000);
        await PartnerFlows.CreateListingAsync(initech, partnerId, itemId);
        await PartnerFlows.SellAsync(factory, itemId, partnerId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payoutId = generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(globex, itemId);

        var suspended = await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/suspend", new { reason = "KYC review" })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/suspend", new { })).AssertProblemAsync(HttpStatusCode.Conflict);

        // Its items sell no more, but an invoice issued before the suspension that is paid now still earns.
        await (await globex.PostAsync($"/api/marketplace/items/{itemId}/install", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        await PartnerFlows.EarningExistsAsync(factory, invoiceId, partnerId);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await initech.PostAsJsonAsync("/api/marketplace/items", new { name = "N", type = "addon", price = 1, currency = "USD" })).AssertProblemAsync(HttpStatusCode.Forbidden);

        await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);

        // The recurring payout job runs the same service for every approved partner.
        using var scope = factory.Services.CreateScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<GeneratePayoutsJob>().RunAsync(CancellationToken.None) >= 1);
        Assert.True(await Flows.QueryAsync(factory, db => db.PartnerEarnings.Where(e => e.InvoiceId == invoiceId).AllAsync(e => e.PayoutId != null)));
    }

    [Fact]
    public async Task Earnings_filter_by_inclusive_dates_and_refuse_bad_ones()
    {
        var partnerId = await factory.AcmePartnerAsync();
        await PartnerFlows.SellAsync(factory, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"), partnerId);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");

        var inclusive = await (await acme.GetAsync($"/api/partners/{partnerId}/earnings?from={today}&to={today}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(inclusive.GetProperty("items").GetArrayLength() >= 1);
        var total = inclusive.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("currency").GetString() == "USD");
        Assert.Equal(inclusive.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("currency").GetString() == "USD").Sum(e => e.GetProperty("partnerNet").GetInt64()),
            total.GetProperty("partnerNet").GetInt64());

        var before = await (await acme.GetAsync($"/api/partners/{partnerId}/earnings?to={yesterday}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, before.GetProperty("items").GetArrayLength());
        Assert.Equal(0, before.GetProperty("totals").GetArrayLength());
        var after = await (await acme.GetAsync($"/api/partners/{partnerId}/earnings?from={tomorrow}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, after.GetProperty("items").GetArrayLength());
        var instant = Uri.EscapeDataString(DateTime.UtcNow.AddMinutes(-10).ToString("O"));
        Assert.True((await (await acme.GetAsync($"/api/partners/{partnerId}/earnings?from={instant}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength() >= 1);

        foreach (var bad in new[] { "from=yesterday", "to=2026-13-45", $"from={tomorrow}&to={yesterday}", "limit=0", "cursor=xyz" })
            await (await acme.GetAsync($"/api/partners/{partnerId}/earnings?{bad}")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Admins_list_partners_by_status_and_search()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var approved = await (await admin.GetAsync("/api/partners?status=approved&q=acme.EXAMPLE")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Contains(approved.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == partnerId);
        var pending = await (await admin.GetAsync("/api/partners?status=pending")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(pending.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == partnerId);
        var none = await (await admin.GetAsync("/api/partners?q=%25")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
        await (await admin.GetAsync("/api/partners?status=banned")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class PartnerWriteLimitFactory() : HeldClockFactory(null, new Dictionary<string, string?>
{
    ["RateLimiting:PartnerWrites:PermitLimit"] = "2",
    ["RateLimiting:PartnerWrites:WindowSeconds"] = "60",
});

public sealed class PartnerWriteLimitTests(PartnerWriteLimitFactory factory) : IClassFixture<PartnerWriteLimitFactory>
{
    [Fact]
    public async Task Partner_writes_are_limited_per_tenant_and_user_with_an_integer_retry_after()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await globex.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Globex"))).AssertJsonAsync(HttpStatusCode.Created);
        await (await globex.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Globex"))).AssertProblemAsync(HttpStatusCode.Conflict);
        var limited = await globex.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Globex"));
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.TryParse(Assert.Single(limited.Headers.GetValues("Retry-After")), out var seconds) && seconds is >= 1 and <= 60);

        // Reads are not limited; another user has a window of its own.
        Assert.Equal(HttpStatusCode.OK, (await globex.GetAsync("/api/partners/me")).StatusCode);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        await (await acme.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application())).AssertJsonAsync(HttpStatusCode.Created);
    }
}
