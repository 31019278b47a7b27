using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Resellers;

/// <summary>A child tenant's paid invoice earns its reseller round(total × margin / 100), once.</summary>
public sealed class ResellerCommissionAccrual(AppDbContext db, AuditLog audit, IdGenerator ids, TimeProvider clock) : IAccrual
{
    public AccrualKind Kind => AccrualKind.Reseller;

    public async Task AccrueAsync(Invoice invoice, CancellationToken ct)
    {
        var reseller = await db.Tenants.AsNoTracking()
            .Where(t => t.Id == invoice.TenantId && t.ResellerId != null)
            .Join(db.ResellerAccounts, t => t.ResellerId, r => r.Id, (t, r) => r)
            .FirstOrDefaultAsync(ct);
        if (reseller is null) return;

        var commission = new ResellerCommission
        {
            Id = ids.NewId(),
            ResellerId = reseller.Id,
            InvoiceId = invoice.Id,
            TenantId = invoice.TenantId,
            Currency = invoice.Currency,
            InvoiceTotal = invoice.Total,
            MarginPercent = reseller.MarginPercent,
            Amount = Percentages.Of(invoice.Total, reseller.MarginPercent),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ResellerCommissions.Add(commission);
        audit.Record(AuditActions.ResellerCommissionAccrued, nameof(ResellerCommission), commission.Id, reseller.TenantId,
            new { commission.InvoiceId, commission.Amount, commission.Currency, commission.MarginPercent });
    }
}
