using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class ResellerTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private Task<Guid> TenantIdAsync(string name) =>
        Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.Name == name).Select(t => t.Id).SingleAsync());

    [Fact]
    public async Task Platform_admin_makes_a_tenant_a_reseller_once()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var initech = await TenantIdAsync("Initech Add-ons");
        var created = await (await admin.PostAsJsonAsync("/api/resellers", new { tenantId = initech, marginPercent = 12.5m })).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(12.5m, created.GetProperty("marginPercent").GetDecimal());
        await (await admin.PostAsJsonAsync("/api/resellers", new { tenantId = initech, marginPercent = 5 })).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.01)]
    [InlineData(10.005)]
    public async Task Margins_outside_0_to_100_or_with_three_decimals_are_400(decimal margin)
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var response = await admin.PostAsJsonAsync("/api/resellers", new { tenantId = await TenantIdAsync("Globex"), marginPercent = margin });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await Flows.QueryAsync(factory, db => db.ResellerAccounts.AnyAsync(r => r.MarginPercent == margin)));
    }

    [Fact]
    public async Task Unknown_or_platform_tenants_cannot_become_resellers_and_others_may_not_try()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync("/api/resellers", new { tenantId = Guid.NewGuid(), marginPercent = 5 })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync("/api/resellers", new { tenantId = await TenantIdAsync("Platform HQ"), marginPercent = 5 })).AssertProblemAsync(HttpStatusCode.Conflict);

        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        await (await umbrella.PostAsJsonAsync("/api/resellers", new { tenantId = await TenantIdAsync("Globex"), marginPercent = 5 })).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_reseller_creates_and_lists_its_child_tenants_whose_owner_can_sign_in()
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var created = await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants",
            new { name = "Wayne Enterprises", ownerEmail = "Bruce@Wayne.example", ownerPassword = "Batcave-Wayne!1" })).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("bruce@wayne.example", created.GetProperty("ownerEmail").GetString());
        var childId = created.GetProperty("tenant").GetProperty("id").GetGuid();

        var list = await (await umbrella.GetAsync("/api/resellers/me/tenants")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetGuid() == childId);

        await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants",
            new { name = "Wayne Enterprises", ownerEmail = "other@wayne.example", ownerPassword = "Batcave-Wayne!1" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants",
            new { name = "Wayne Two", ownerEmail = "bruce@wayne.example", ownerPassword = "Batcave-Wayne!1" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants",
            new { name = "Short", ownerEmail = "short@wayne.example", ownerPassword = "short" })).AssertProblemAsync(HttpStatusCode.BadRequest);

        using var anonymous = factory.CreateApiClient();
        var token = await (await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "bruce@wayne.example", password = "Batcave-Wayne!1" })).AssertJsonAsync(HttpStatusCode.OK);
        var me = token.GetProperty("user");
        Assert.Equal(childId, me.GetProperty("tenantId").GetGuid());
        Assert.Equal("owner", me.GetProperty("role").GetString());
        Assert.False(me.GetProperty("isPlatformAdmin").GetBoolean());
        // The reseller chose the password, so the owner must choose their own first (ForcedPasswordChangeTests).
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task Tenants_without_a_reseller_account_get_404_and_staff_get_403()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await globex.GetAsync("/api/resellers/me/tenants")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await globex.GetAsync("/api/resellers/me/commissions")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var staff = await factory.ClientAsAsync(Demo.GlobexStaff);
        await (await staff.GetAsync("/api/resellers/me/commissions")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_paid_invoice_of_a_tenant_without_reseller_earns_no_commission()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(globex, await Flows.TemplateIdAsync(factory));
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        await Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db => db.AccrualTasks.Where(t => t.InvoiceId == invoiceId).AllAsync(t => t.CompletedAt != null)), "accrual");
        Assert.False(await Flows.QueryAsync(factory, db => db.ResellerCommissions.AnyAsync(c => c.InvoiceId == invoiceId)));
    }
}
