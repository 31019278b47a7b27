using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue 19 item 2: the recurring ledger check finds a corrupted figure, raises the alert and changes nothing.</summary>
public sealed class LedgerVerificationTests(LogCapturingFactory factory) : IClassFixture<LogCapturingFactory>
{
    private async Task<int> RunCheckAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<VerifyLedgerJob>().RunAsync(CancellationToken.None);
    }

    private Task<List<AuditEvent>> MismatchEventsAsync(Guid partnerId) =>
        Flows.QueryAsync(factory, db => db.AuditEvents.AsNoTracking().Where(a => a.Action == AuditActions.LedgerMismatch && a.EntityId == partnerId).ToListAsync());

    [Fact]
    public async Task A_corrupted_balance_is_reported_logged_audited_and_shown_but_never_corrected()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using (var admin = await factory.ClientAsAsync(Demo.PlatformAdmin))
        {
            var item = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
            await PartnerFlows.CreateListingAsync(admin, partnerId, item, "percent", 30m);
            await PartnerFlows.SellAsync(factory, item, partnerId);
            var refunded = await PartnerFlows.SellAsync(factory, item, partnerId);
            await (await admin.PostAsJsonAsync($"/api/billing/invoices/{refunded}/refund", new { amount = 3333 })).AssertJsonAsync(HttpStatusCode.OK);
            await Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db => db.PartnerEarnings.AnyAsync(e => e.PartnerId == partnerId && e.Kind == EntryKind.Reversal)),
                "the refund's reversal");
        }

        // Written by the app's own paths, the figures agree with the entries: no alert.
        Assert.Equal(0, await RunCheckAsync());
        Assert.Empty(await MismatchEventsAsync(partnerId));

        // One cent too many in the balance, five in one day's net.
        await Flows.QueryAsync(factory, async db =>
        {
            await db.PartnerLedgerTotals.Where(t => t.PartnerId == partnerId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Unattached, t => t.Unattached + 1));
            var day = await db.PartnerLedgerDays.Where(d => d.PartnerId == partnerId && d.Entries > 0).Select(d => d.Day).FirstAsync();
            return await db.PartnerLedgerDays.Where(d => d.PartnerId == partnerId && d.Day == day).ExecuteUpdateAsync(s => s.SetProperty(d => d.Net, d => d.Net + 5));
        });
        var (unattached, net) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerLedgerTotals.Where(t => t.PartnerId == partnerId).Select(t => t.Unattached).SingleAsync(),
            await db.PartnerLedgerDays.Where(d => d.PartnerId == partnerId).SumAsync(d => d.Net)));

        Assert.Equal(1, await RunCheckAsync());

        var alert = Assert.Single(await MismatchEventsAsync(partnerId));
        using var data = JsonDocument.Parse(alert.Data);
        Assert.Equal(2, data.RootElement.GetProperty("count").GetInt32());
        var figures = data.RootElement.GetProperty("mismatches").EnumerateArray()
            .Select(m => (m.GetProperty("figure").GetString(), m.GetProperty("held").GetInt64() - m.GetProperty("ledger").GetInt64(), m.GetProperty("day").ValueKind))
            .ToList();
        Assert.Equal([("unattached", 1L, JsonValueKind.Null), ("net", 5L, JsonValueKind.String)], figures);
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(partnerId.ToString()) && e.Message.Contains("unattached"));

        // Reported, not repaired.
        Assert.Equal((unattached, net), await Flows.QueryAsync(factory, async db => (
            await db.PartnerLedgerTotals.Where(t => t.PartnerId == partnerId).Select(t => t.Unattached).SingleAsync(),
            await db.PartnerLedgerDays.Where(d => d.PartnerId == partnerId).SumAsync(d => d.Net))));

        var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var page = await browser.GetStringAsync("/dashboard/admin/partners");
        Assert.Contains("id=\"ledger-alert\"", page);
        Assert.Contains("found 1 partner whose running figures differ", page);
    }
}
