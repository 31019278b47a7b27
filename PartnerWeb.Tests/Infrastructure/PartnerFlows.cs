using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>The partner flows through the public API.</summary>
public static class PartnerFlows
{
    public static object Application(string name = "Acme Partner") => new
    {
        displayName = name, contactEmail = "partners@acme.example", country = "us",
        payoutPreferences = new { method = "bank_transfer", accountHolder = $"{name} Ltd", iban = "DE89 3704 0044 0532 0130 00" },
    };

    /// <summary>Applies as the given owner/admin and approves as platform admin; returns the partner id.</summary>
    public static async Task<Guid> ApprovedPartnerAsync(PartnerWebFactory factory, string ownerEmail)
    {
        using var owner = await factory.ClientAsAsync(ownerEmail);
        var applied = await (await owner.PostAsJsonAsync("/api/partners/apply", Application($"Partner of {ownerEmail}"))).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = applied.GetProperty("id").GetGuid();
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        return partnerId;
    }

    public static async Task<JsonElement> CreateListingAsync(HttpClient client, Guid partnerId, Guid itemId, string? type = null, decimal? value = null)
    {
        object body = type is null ? new { marketplaceItemId = itemId } : new { marketplaceItemId = itemId, commissionType = type, commissionValue = value };
        return await (await client.PostAsJsonAsync($"/api/partners/{partnerId}/listings", body)).AssertJsonAsync(HttpStatusCode.Created);
    }

    /// <summary>Installs the item as Globex and pays it by hand; returns the invoice id once the partner's earning exists.</summary>
    public static async Task<Guid> SellAsync(PartnerWebFactory factory, Guid itemId, Guid partnerId)
    {
        using var buyer = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(buyer, itemId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        await EarningExistsAsync(factory, invoiceId, partnerId);
        return invoiceId;
    }

    public static Task EarningExistsAsync(PartnerWebFactory factory, Guid invoiceId, Guid partnerId) =>
        Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db => db.PartnerEarnings.AnyAsync(e => e.InvoiceId == invoiceId && e.PartnerId == partnerId)),
            $"the earning of invoice {invoiceId}");

    /// <summary>
    /// Payouts written straight to the database, paid by bank transfer: for the operator's queue, whose reads and
    /// actions need no ledger behind them. Returns their ids.
    /// </summary>
    public static Task<List<Guid>> InsertPayoutsAsync(PartnerWebFactory factory, Guid partnerId, string currency, Domain.PayoutStatus status, params long[] amounts) =>
        Flows.QueryAsync(factory, async db =>
        {
            var now = DateTime.UtcNow;
            var payouts = amounts.Select(amount => new Domain.PartnerPayout
            {
                Id = Guid.CreateVersion7(), PartnerId = partnerId, Currency = currency, Amount = amount, Status = status,
                PayoutMethod = "bank_transfer", PayoutDetails = """{"method":"bank_transfer","accountHolder":"Test Ltd","iban":"DE89370400440532013000"}""", CreatedAt = now,
                ApprovedAt = status == Domain.PayoutStatus.Owed ? null : now,
            }).ToList();
            db.PartnerPayouts.AddRange(payouts);
            await db.SaveChangesAsync();
            return payouts.Select(p => p.Id).ToList();
        });

    /// <summary>Publishes an item as an approved partner's owner; returns its id.</summary>
    public static async Task<Guid> PublishAsync(HttpClient owner, string name, long price, string currency = "USD")
    {
        var item = await (await owner.PostAsJsonAsync("/api/marketplace/items", new { name, type = "addon", price, currency })).AssertJsonAsync(HttpStatusCode.Created);
        return item.GetProperty("id").GetGuid();
    }
}
