using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Resellers;

/// <summary>A child tenant's paid invoice earns its reseller round(total × margin / 100), once; refunds take back their share.</summary>
public sealed class ResellerCommissionAccrual(AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock) : IAccrual
{
    public AccrualKind Kind => AccrualKind.Reseller;

    /// <summary>One query for the resellers of every invoice's tenant; one commission per invoice of a child tenant.</summary>
    public async Task<Action> PrepareAsync(IReadOnlyList<Invoice> invoices, CancellationToken ct)
    {
        var tenantIds = invoices.Select(i => i.TenantId).Distinct().ToList();
        var resellers = await db.Tenants.AsNoTracking()
            .Where(t => tenantIds.Contains(t.Id) && t.ResellerId != null)
            .Join(db.ResellerAccounts, t => t.ResellerId, r => r.Id, (t, r) => new { TenantId = t.Id, Reseller = r })
            .ToDictionaryAsync(x => x.TenantId, x => x.Reseller, ct);
        if (resellers.Count == 0) return () => { };

        var now = clock.GetUtcNow().UtcDateTime;
        List<ResellerCommission> commissions = [];
        List<AuditEvent> audits = [];
        foreach (var invoice in invoices)
        {
            if (!resellers.TryGetValue(invoice.TenantId, out var reseller)) continue;
            var commission = new ResellerCommission
            {
                Id = ids.NewId(),
                ResellerId = reseller.Id,
                InvoiceId = invoice.Id,
                Kind = EntryKind.Accrual,
                TenantId = invoice.TenantId,
                Currency = invoice.Currency,
                InvoiceTotal = invoice.Total,
                MarginPercent = reseller.MarginPercent,
                Amount = Percentages.Of(invoice.Total, reseller.MarginPercent),
                CreatedAt = now,
            };
            commissions.Add(commission);
            audits.Add(audit.New(AuditActions.ResellerCommissionAccrued, nameof(ResellerCommission), commission.Id, reseller.TenantId,
                new { commission.InvoiceId, commission.Amount, commission.Currency, commission.MarginPercent }));
        }
        return () =>
        {
            db.ResellerCommissions.AddRange(commissions);
            db.AuditEvents.AddRange(audits);
        };
    }

    public async Task ReverseAsync(Invoice invoice, InvoiceRefund refund, CancellationToken ct)
    {
        var original = await db.ResellerCommissions.AsNoTracking()
            .FirstOrDefaultAsync(c => c.InvoiceId == invoice.Id && c.Kind == EntryKind.Accrual, ct);
        if (original is null) return;
        var share = Reversals.Share(original.Amount, invoice.Total, refund.CumulativeRefunded - refund.Amount, refund.CumulativeRefunded);
        if (share == 0) return;

        var reversal = new ResellerCommission
        {
            Id = ids.NewId(),
            ResellerId = original.ResellerId,
            InvoiceId = invoice.Id,
            Kind = EntryKind.Reversal,
            ReversesCommissionId = original.Id,
            RefundId = refund.Id,
            TenantId = original.TenantId,
            Currency = original.Currency,
            InvoiceTotal = original.InvoiceTotal,
            MarginPercent = original.MarginPercent,
            Amount = -share,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ResellerCommissions.Add(reversal);
        audit.Record(AuditActions.ResellerCommissionReversed, nameof(ResellerCommission), reversal.Id, await TenantOfAsync(original.ResellerId, ct),
            new { reversal.InvoiceId, reversal.Amount, reversal.Currency, reversesCommissionId = original.Id, refundId = refund.Id });
    }

    private Task<Guid> TenantOfAsync(Guid resellerId, CancellationToken ct) =>
        db.ResellerAccounts.Where(r => r.Id == resellerId).Select(r => r.TenantId).SingleAsync(ct);
}
