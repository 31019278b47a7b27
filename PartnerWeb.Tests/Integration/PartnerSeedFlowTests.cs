using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Step 22's whole flow through the API: apply → approve → listing → paid (Stripe and manual) → earnings → payout → approve → paid.</summary>
public sealed class PartnerSeedFlowTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task The_seed_flow_end_to_end()
    {
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var globex = await factory.ClientAsAsync(Demo.GlobexOwner);

        // Apply: pending, country normalized.
        var applied = await (await acme.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application())).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = applied.GetProperty("id").GetGuid();
        Assert.Equal("pending", applied.GetProperty("status").GetString());
        Assert.Equal("US", applied.GetProperty("country").GetString());
        Assert.Equal("bank_transfer", applied.GetProperty("payoutPreferences").GetProperty("method").GetString());
        var me = await (await acme.GetAsync("/api/partners/me")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(partnerId, me.GetProperty("id").GetGuid());
        await (await acme.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application())).AssertProblemAsync(HttpStatusCode.Conflict);

        // A pending partner has no payouts to generate and may not list.
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        // Approve.
        var approved = await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        // Listing by the platform admin, with its commission.
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        var listing = await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 30m);
        Assert.Equal("percent", listing.GetProperty("commissionType").GetString());
        Assert.Equal(30m, listing.GetProperty("commissionValue").GetDecimal());
        Assert.Equal("active", listing.GetProperty("status").GetString());

        // Invoice paid by a signed Stripe webhook, and another by manual approval.
        var stripeInvoice = await Flows.InstallAsync(globex, itemId);
        var webhook = StripeSigner.InvoicePaid("evt_seed_flow", stripeInvoice, 12900);
        Assert.Equal("paid", (await (await Flows.PostSignedWebhookAsync(globex, webhook)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        var manualInvoice = await Flows.InstallAsync(globex, itemId);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{manualInvoice}/mark-paid", new { reference = "wire-1" })).AssertJsonAsync(HttpStatusCode.OK);
        await PartnerFlows.EarningExistsAsync(factory, stripeInvoice, partnerId);
        await PartnerFlows.EarningExistsAsync(factory, manualInvoice, partnerId);

        // The same webhook again: no second earning.
        Assert.Equal("duplicate", (await (await Flows.PostSignedWebhookAsync(globex, webhook)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());

        // Earnings: 30% of 12900 = 3870 commission, 9030 net, twice.
        var earnings = await (await acme.GetAsync("/api/partners/my/earnings")).AssertJsonAsync(HttpStatusCode.OK);
        var items = earnings.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, e =>
        {
            Assert.Equal(12900, e.GetProperty("grossAmount").GetInt64());
            Assert.Equal(3870, e.GetProperty("commissionAmount").GetInt64());
            Assert.Equal(9030, e.GetProperty("partnerNet").GetInt64());
            Assert.Equal("USD", e.GetProperty("currency").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("payoutId").ValueKind);
        });
        var totals = Assert.Single(earnings.GetProperty("totals").EnumerateArray());
        Assert.Equal(("USD", 2, 25800L, 7740L, 18060L), (totals.GetProperty("currency").GetString(), totals.GetProperty("count").GetInt32(),
            totals.GetProperty("grossAmount").GetInt64(), totals.GetProperty("commissionAmount").GetInt64(), totals.GetProperty("partnerNet").GetInt64()));
        var adminView = await (await admin.GetAsync($"/api/partners/{partnerId}/earnings")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, adminView.GetProperty("items").GetArrayLength());

        // Generate: one owed payout of 18060 USD; nothing left for a second run.
        var generated = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        var payout = Assert.Single(generated.GetProperty("payouts").EnumerateArray());
        var payoutId = payout.GetProperty("id").GetGuid();
        Assert.Equal(("owed", 18060L, "USD", "bank_transfer"), (payout.GetProperty("status").GetString(), payout.GetProperty("amount").GetInt64(),
            payout.GetProperty("currency").GetString(), payout.GetProperty("payoutMethod").GetString()));
        var again = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("payouts").GetArrayLength());

        // mark-paid before approve is a conflict; approve; approve again is a conflict; mark paid.
        await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/payouts/{payoutId}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.Conflict);
        var approvedPayout = await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approvedPayout.GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, approvedPayout.GetProperty("approvedAt").ValueKind);
        await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/{payoutId}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        var paid = await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/payouts/{payoutId}/mark-paid", new { reference = "SEPA-2026-11" })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Equal("SEPA-2026-11", paid.GetProperty("reference").GetString());
        await (await admin.PostAsJsonAsync($"/api/partners/{partnerId}/payouts/{payoutId}/mark-paid", new { })).AssertProblemAsync(HttpStatusCode.Conflict);

        // The partner sees it paid, and its earnings attached to it.
        var myPayouts = await (await acme.GetAsync("/api/partners/my/payouts?status=paid")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(payoutId, Assert.Single(myPayouts.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var attached = await (await acme.GetAsync("/api/partners/my/earnings")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.All(attached.GetProperty("items").EnumerateArray(), e => Assert.Equal(payoutId, e.GetProperty("payoutId").GetGuid()));

        // Every step audited once, under the partner's tenant.
        var actions = await Flows.QueryAsync(factory, db => db.AuditEvents.Where(a => a.Action.StartsWith("PARTNER_")).Select(a => a.Action).ToListAsync());
        Assert.Equal(1, actions.Count(a => a == AuditActions.PartnerApplied));
        Assert.Equal(1, actions.Count(a => a == AuditActions.PartnerApproved));
        Assert.Equal(1, actions.Count(a => a == AuditActions.PartnerListingCreated));
        Assert.Equal(2, actions.Count(a => a == AuditActions.PartnerEarningAccrued));
        Assert.Equal(1, actions.Count(a => a == AuditActions.PartnerPayoutGenerated));
        Assert.Equal(1, actions.Count(a => a == AuditActions.PartnerPayoutApproved));
        Assert.Equal(1, actions.Count(a => a == AuditActions.PartnerPayoutPaid));
        var acmeAudit = await (await acme.GetAsync($"/api/audit?entityId={payoutId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, acmeAudit.GetProperty("items").GetArrayLength());
    }
}
