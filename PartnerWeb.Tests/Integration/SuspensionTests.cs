using System.Net;
using System.Net.Http.Json;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue 17, item 6: suspension means stop, and a pause by the platform is the platform's to lift.</summary>
public sealed class SuspensionTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private async Task<(Guid PartnerId, Guid ListingId, Guid ItemId)> ListedAsync()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var listings = await (await admin.GetAsync($"/api/partners/{partnerId}/listings")).AssertJsonAsync(HttpStatusCode.OK);
        var listing = listings.GetProperty("items")[0];
        return (partnerId, listing.GetProperty("id").GetGuid(), listing.GetProperty("marketplaceItemId").GetGuid());
    }

    [Fact]
    public async Task A_listing_the_platform_paused_stays_paused_until_the_platform_resumes_it()
    {
        var (partnerId, listingId, _) = await ListedAsync();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        var url = $"/api/partners/{partnerId}/listings/{listingId}";

        await (await admin.PatchAsJsonAsync(url, new { status = "paused" })).AssertJsonAsync(HttpStatusCode.OK);
        var refused = await (await acme.PatchAsJsonAsync(url, new { status = "active" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("The platform paused this listing; only the platform resumes it.", refused.GetProperty("title").GetString());

        await (await admin.PatchAsJsonAsync(url, new { status = "active" })).AssertJsonAsync(HttpStatusCode.OK);
        // A pause of its own the partner lifts itself.
        await (await acme.PatchAsJsonAsync(url, new { status = "paused" })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("active", (await (await acme.PatchAsJsonAsync(url, new { status = "active" })).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_suspended_partners_items_do_not_sell_and_it_cannot_touch_its_listings()
    {
        var (partnerId, listingId, itemId) = await ListedAsync();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/suspend", new { reason = "chargebacks" })).AssertJsonAsync(HttpStatusCode.OK);
        try
        {
            var install = await (await globex.PostAsync($"/api/marketplace/items/{itemId}/install", null)).AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("This item's partner is suspended; it cannot be installed now.", install.GetProperty("title").GetString());
            var touch = await (await acme.PatchAsJsonAsync($"/api/partners/{partnerId}/listings/{listingId}", new { status = "paused" }))
                .AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("A partner changes its listings only while approved; this one is suspended.", touch.GetProperty("title").GetString());
        }
        finally
        {
            await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        }
        await Flows.InstallAsync(globex, itemId);
    }
}
