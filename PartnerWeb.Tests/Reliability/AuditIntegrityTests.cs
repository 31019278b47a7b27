using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;
using PartnerWeb.Tests.Integration;

namespace PartnerWeb.Tests.Reliability;

public sealed class AuditIntegrityTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private Task<List<(string Action, Guid EntityId)>> AuditAsync() => Flows.QueryAsync(factory, async db =>
        (await db.AuditEvents.AsNoTracking().Select(a => new { a.Action, a.EntityId }).ToListAsync()).Select(a => (a.Action, a.EntityId)).ToList());

    /// <summary>Runs one state change and returns the audit rows it added.</summary>
    private async Task<List<(string Action, Guid EntityId)>> AddedBy(Func<Task> change)
    {
        var before = await AuditAsync();
        await change();
        var after = await AuditAsync();
        foreach (var row in before) after.Remove(row);
        return after;
    }

    [Fact]
    public async Task Every_state_change_writes_exactly_one_audit_row_for_its_entity()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var figures = new List<string>();

        async Task<T> Expect<T>(string what, string[] actions, Func<Task<T>> change)
        {
            T result = default!;
            var added = await AddedBy(async () => result = await change());
            Assert.Equal(actions.Order(), added.Select(a => a.Action).Order());
            Assert.Equal(added.Count, added.Select(a => a.EntityId).Distinct().Count());
            figures.Add($"{what}: {string.Join(", ", actions)}");
            return result;
        }

        var partner = await Expect("apply", [AuditActions.PartnerApplied], async () =>
            (await (await acme.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application())).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        await Expect("suspend", [AuditActions.PartnerSuspended], async () => await (await admin.PostAsJsonAsync($"/api/partners/{partner}/suspend", new { })).AssertJsonAsync(HttpStatusCode.OK));
        await Expect("approve", [AuditActions.PartnerApproved], async () => await (await admin.PostAsync($"/api/partners/{partner}/approve", null)).AssertJsonAsync(HttpStatusCode.OK));
        var item = await Expect("publish", [AuditActions.MarketplaceItemCreated], () => PartnerFlows.PublishAsync(acme, "Audited Add-on", 1000));
        var listing = await Expect("create listing", [AuditActions.PartnerListingCreated], async () =>
            (await PartnerFlows.CreateListingAsync(acme, partner, item)).GetProperty("id").GetGuid());
        await Expect("update listing", [AuditActions.PartnerListingUpdated], async () =>
            await (await admin.PatchAsJsonAsync($"/api/partners/{partner}/listings/{listing}", new { commissionValue = 20 })).AssertJsonAsync(HttpStatusCode.OK));
        var invoice = await Expect("install", [AuditActions.MarketplaceItemInstalled, AuditActions.InvoiceCreated], () => Flows.InstallAsync(globex, item));
        await Expect("mark paid, then accrue", [AuditActions.InvoicePaid, AuditActions.PartnerEarningAccrued], async () =>
        {
            await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoice}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
            await PartnerFlows.EarningExistsAsync(factory, invoice, partner);
            return 0;
        });
        var mismatch = await Flows.InstallAsync(globex, item);
        await Expect("stripe mismatch", [AuditActions.InvoicePaymentMismatch], async () =>
            await (await Flows.PostSignedWebhookAsync(globex, StripeSigner.InvoicePaid($"evt_{Guid.NewGuid():N}", mismatch, 1))).AssertJsonAsync(HttpStatusCode.OK));
        await Expect("void", [AuditActions.InvoiceVoided], async () => await (await admin.PostAsync($"/api/billing/invoices/{mismatch}/void", null)).AssertJsonAsync(HttpStatusCode.OK));
        var payout = await Expect("generate payout", [AuditActions.PartnerPayoutGenerated], async () =>
            (await (await admin.PostAsync($"/api/partners/{partner}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("payouts")[0].GetProperty("id").GetGuid());
        await Expect("approve payout", [AuditActions.PartnerPayoutApproved], async () => await (await admin.PostAsync($"/api/partners/{partner}/payouts/{payout}/approve", null)).AssertJsonAsync(HttpStatusCode.OK));
        await Expect("pay payout", [AuditActions.PartnerPayoutPaid], async () => await (await admin.PostAsJsonAsync($"/api/partners/{partner}/payouts/{payout}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK));
        var initech = await Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.Name == "Initech Add-ons").Select(t => t.Id).SingleAsync());
        await Expect("create reseller", [AuditActions.ResellerCreated], async () => await (await admin.PostAsJsonAsync("/api/resellers", new { tenantId = initech, marginPercent = 5 })).AssertJsonAsync(HttpStatusCode.Created));
        await Expect("create child tenant", [AuditActions.ResellerTenantCreated], async () => await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants",
            new { name = "Audited Child", ownerEmail = "owner@audited.example", ownerPassword = Flows.ResellerChosenPassword })).AssertJsonAsync(HttpStatusCode.Created));

        var member = await Expect("add user", [AuditActions.UserCreated], async () => (await (await acme.PostAsJsonAsync("/api/tenants/me/users",
            new { email = "member@audited.example", role = "staff", password = "Audited-member!1" })).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        await Expect("change role", [AuditActions.UserRoleChanged], async () => await (await acme.PatchAsJsonAsync($"/api/tenants/me/users/{member}", new { role = "admin" })).AssertJsonAsync(HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.NoContent, await Expect("remove user", [AuditActions.UserRemoved], async () => (await acme.DeleteAsync($"/api/tenants/me/users/{member}")).StatusCode));
        using var childOwner = factory.CreateApiClient();
        await Expect("change password", [AuditActions.PasswordChanged], () => Flows.SetOwnPasswordAsync(childOwner, "owner@audited.example", Flows.ResellerChosenPassword, Flows.ChildOwnerPassword));

        // Refusals and no-ops change nothing, so they write nothing.
        await Expect("refused: the last owner demoted", [], async () =>
        {
            var globexOwner = await Flows.QueryAsync(factory, db => db.Users.Where(u => u.Email == Demo.GlobexOwner).Select(u => u.Id).SingleAsync());
            return await (await globex.PatchAsJsonAsync($"/api/tenants/me/users/{globexOwner}", new { role = "admin" })).AssertProblemAsync(HttpStatusCode.Conflict);
        });
        await Expect("refused: second approve", [], async () => await (await admin.PostAsync($"/api/partners/{partner}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict));
        await Expect("refused: paid again", [], async () => await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoice}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.Conflict));
        await Expect("no-op: listing unchanged", [], async () => await (await admin.PatchAsJsonAsync($"/api/partners/{partner}/listings/{listing}", new { commissionValue = 20 })).AssertJsonAsync(HttpStatusCode.OK));

        ReliabilityFigures.Record("Audit integrity", $"{figures.Count} kinds of state change and refusal walked; each change wrote exactly its audit rows (one per entity), refusals and no-ops wrote none");
    }

    [Fact]
    public async Task Audit_rows_cannot_be_updated_or_deleted_by_tracked_changes_or_bulk_statements()
    {
        var (eventId, _) = await AuditSeed.RecordForTenantAsync(factory, "Globex");
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var tracked = await db.AuditEvents.SingleAsync(a => a.Id == eventId);
        db.Remove(tracked);
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.AuditEvents.Where(a => a.Id == eventId).ExecuteDeleteAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.AuditEvents.Where(a => a.Id == eventId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Action, "FORGED")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEvents\" SET \"Action\" = 'FORGED'"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Database.ExecuteSqlRawAsync("delete from AuditEvents"));

        using var check = factory.Services.CreateScope();
        var row = await check.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.SingleAsync(a => a.Id == eventId);
        Assert.Equal("TEST_EVENT", row.Action);
        ReliabilityFigures.Record("Audit integrity", "tracked delete, ExecuteDelete, ExecuteUpdate and raw UPDATE/DELETE on audit rows: 5 attempts, 5 refused, 0 rows changed");
    }

    [Fact]
    public void No_api_route_can_change_the_audit()
    {
        var routes = factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("api/audit", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct().ToList();
        Assert.Equal(["GET"], routes);
    }
}
