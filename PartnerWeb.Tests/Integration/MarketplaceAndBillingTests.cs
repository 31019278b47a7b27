using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class MarketplaceAndBillingTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private Task<(int Items, int Invoices, int Installs, int Audits)> CountsAsync() => Flows.QueryAsync(factory, async db =>
        (await db.MarketplaceItems.CountAsync(), await db.Invoices.CountAsync(), await db.MarketplaceInstalls.CountAsync(), await db.AuditEvents.CountAsync()));

    [Theory]
    [InlineData("""{"name":"X","type":"template","price":-1,"currency":"USD"}""", "price")]
    [InlineData("""{"name":"X","type":"template","price":1.5,"currency":"USD"}""", null)]
    [InlineData("""{"name":"X","type":"template","price":"100","currency":"USD"}""", null)]
    [InlineData("""{"name":"X","type":"template","price":9223372036854775808,"currency":"USD"}""", null)]
    [InlineData("""{"name":"X","type":"template","price":100,"currency":"ABC"}""", "currency")]
    [InlineData("""{"name":"X","type":"template","price":100,"currency":"US"}""", "currency")]
    [InlineData("""{"name":"X","type":"gadget","price":100,"currency":"USD"}""", null)]
    [InlineData("""{"name":"X","type":0,"price":100,"currency":"USD"}""", null)]
    [InlineData("""{"name":"   ","type":"template","price":100,"currency":"USD"}""", "name")]
    [InlineData("""{"type":"template","price":100,"currency":"USD"}""", "name")]
    [InlineData("""{"name":"X","price":100,"currency":"USD"}""", "type")]
    [InlineData("""{"name":"X","type":"template","currency":"USD"}""", "price")]
    public async Task Bad_items_are_400_and_write_nothing(string json, string? field)
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var before = await CountsAsync();
        var response = await admin.PostAsync("/api/marketplace/items", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_name_over_200_characters_is_400()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var response = await admin.PostAsJsonAsync("/api/marketplace/items", new { name = new string('n', 201), type = "addon", price = 1, currency = "USD" });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Platform_admin_publishes_for_the_platform_and_anyone_signed_in_sees_it()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var created = await (await admin.PostAsJsonAsync("/api/marketplace/items",
            new { name = "  Yen Pack  ", type = "service", price = 500, currency = "jpy", description = "d" })).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("Yen Pack", created.GetProperty("name").GetString());
        Assert.Equal("JPY", created.GetProperty("currency").GetString());
        Assert.Equal("service", created.GetProperty("type").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        var platformId = await Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.IsPlatform).Select(t => t.Id).SingleAsync());
        Assert.Equal(platformId, created.GetProperty("publisherTenantId").GetGuid());

        using var staff = await factory.ClientAsAsync(Demo.GlobexStaff);
        var list = await (await staff.GetAsync("/api/marketplace/items?limit=200")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == created.GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData(Demo.AcmeOwner, HttpStatusCode.Forbidden)]
    [InlineData(Demo.PlatformStaff, HttpStatusCode.Forbidden)]
    [InlineData(Demo.GlobexStaff, HttpStatusCode.Forbidden)]
    public async Task Others_may_not_publish(string email, HttpStatusCode expected)
    {
        using var client = await factory.ClientAsAsync(email);
        var before = await CountsAsync();
        await (await client.PostAsJsonAsync("/api/marketplace/items", new { name = "X", type = "addon", price = 1, currency = "USD" })).AssertProblemAsync(expected);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Install_records_the_install_and_an_open_invoice_with_one_line()
    {
        using var acme = await factory.ClientAsAsync(Demo.AcmeAdmin);
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        var result = await (await acme.PostAsync($"/api/marketplace/items/{itemId}/install", null)).AssertJsonAsync(HttpStatusCode.Created);
        var invoice = result.GetProperty("invoice");
        Assert.Equal("open", invoice.GetProperty("status").GetString());
        Assert.Equal(12900, invoice.GetProperty("total").GetInt64());
        Assert.StartsWith("INV-", invoice.GetProperty("number").GetString());
        var line = Assert.Single(invoice.GetProperty("lines").EnumerateArray());
        Assert.Equal(itemId, line.GetProperty("marketplaceItemId").GetGuid());
        Assert.Equal(1, line.GetProperty("quantity").GetInt32());
        Assert.Equal(12900, line.GetProperty("amount").GetInt64());
        Assert.Equal(JsonNull, invoice.GetProperty("paymentMethod").ValueKind);
        Assert.Equal(invoice.GetProperty("id").GetGuid(), result.GetProperty("install").GetProperty("invoiceId").GetGuid());
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Installing_a_missing_item_is_404_and_writes_nothing()
    {
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        var before = await CountsAsync();
        await (await acme.PostAsync($"/api/marketplace/items/{Guid.NewGuid()}/install", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await acme.PostAsync("/api/marketplace/items/not-a-guid/install", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Invoices_of_another_tenant_are_404_and_absent_from_lists()
    {
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        var invoiceId = await Flows.InstallAsync(acme, await Flows.TemplateIdAsync(factory));

        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await globex.GetAsync($"/api/billing/invoices/{invoiceId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var globexList = await (await globex.GetAsync("/api/billing/invoices?limit=200")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(globexList.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == invoiceId);

        using var acmeStaff = await factory.ClientAsAsync(Demo.AcmeStaff);
        Assert.Equal("open", await Flows.InvoiceStatusAsync(acmeStaff, invoiceId));

        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var acmeTenant = await Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.Name == "Acme Templates").Select(t => t.Id).SingleAsync());
        var adminList = await (await admin.GetAsync($"/api/billing/invoices?tenantId={acmeTenant}&status=open&limit=200")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Contains(adminList.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == invoiceId);
        Assert.All(adminList.GetProperty("items").EnumerateArray(), i => Assert.Equal(acmeTenant, i.GetProperty("tenantId").GetGuid()));
    }

    [Fact]
    public async Task Mark_paid_is_for_platform_admins_and_only_once()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(globex, await Flows.TemplateIdAsync(factory));
        using var platformStaff = await factory.ClientAsAsync(Demo.PlatformStaff);
        await (await platformStaff.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await globex.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);

        using var admin = await factory.ClientAsAsync(Demo.PlatformOwner);
        var paid = await (await admin.PostAsync($"/api/billing/invoices/{invoiceId}/mark-paid", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Equal("manual", paid.GetProperty("paymentMethod").GetString());
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = "again" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{Guid.NewGuid()}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync($"/api/billing/invoices/{invoiceId}/void", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_void_invoice_cannot_be_paid_by_hand_or_by_Stripe()
    {
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(globex, await Flows.TemplateIdAsync(factory));
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var voided = await (await admin.PostAsync($"/api/billing/invoices/{invoiceId}/void", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("void", voided.GetProperty("status").GetString());

        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/billing/invoices/{invoiceId}/void", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        var webhook = await Flows.PostSignedWebhookAsync(globex, StripeSigner.InvoicePaid($"evt_{Guid.NewGuid():N}", invoiceId, 4900));
        Assert.Equal("void", (await webhook.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        Assert.Equal("void", await Flows.InvoiceStatusAsync(globex, invoiceId));
        Assert.Equal(0, await Flows.QueryAsync(factory, db => db.AccrualTasks.CountAsync(t => t.InvoiceId == invoiceId)));
    }
}
