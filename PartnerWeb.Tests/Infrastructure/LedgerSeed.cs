using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Infrastructure;

public static class LedgerSeed
{
    /// <summary>Saves entries a test writes past the services the way the app does: in a transaction, with their running figures.</summary>
    public static Task<int> SaveInTransactionAsync(this AppDbContext db) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var saved = await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return saved;
        });

    /// <summary>
    /// One paid Globex invoice and one earning per entry, written straight into the ledger (no accrual, no
    /// commission): the net is the invoice's whole amount, a negative net a reversal. The invoice numbers, in order.
    /// </summary>
    public static Task<List<string>> EarningsAsync(PartnerWebFactory factory, Guid partnerId, params (DateTime At, string Currency, long Net)[] entries) =>
        Flows.QueryAsync(factory, async db =>
        {
            var tenant = await db.Tenants.Where(t => t.Name == "Globex").Select(t => t.Id).SingleAsync();
            var numbers = new List<string>();
            foreach (var (at, currency, net) in entries)
            {
                var invoice = new Invoice
                {
                    Id = Guid.CreateVersion7(), TenantId = tenant, Number = $"INV-L-{Guid.NewGuid():N}"[..30], Status = InvoiceStatus.Paid,
                    Currency = currency, Total = Math.Abs(net), CreatedAt = at,
                };
                numbers.Add(invoice.Number);
                db.Invoices.Add(invoice);
                db.PartnerEarnings.Add(new PartnerEarning
                {
                    Id = Guid.CreateVersion7(), PartnerId = partnerId, InvoiceId = invoice.Id, Kind = net < 0 ? EntryKind.Reversal : EntryKind.Accrual,
                    Currency = currency, GrossAmount = net, CommissionAmount = 0, PartnerNet = net, PayableAt = at, CreatedAt = at,
                });
            }
            await db.SaveInTransactionAsync();
            return numbers;
        });
}
