using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

/// <summary>A second payment for an invoice already paid or void, and how much of it Stripe has given back so far.</summary>
public sealed record OverpaymentDto(
    Guid Id, Guid InvoiceId, Guid TenantId, string InvoiceNumber, string? PaymentIntentId, string? ChargeId,
    long Amount, string Currency, long RefundedAmount, long DisputedAmount, long OutstandingAmount, DateTime CreatedAt);

/// <summary>Overpayments are money the platform holds for nobody's earnings: platform admins refund them in Stripe.</summary>
public sealed class OverpaymentService(AppDbContext db)
{
    public async Task<Page<OverpaymentDto>> ListAsync(PageQuery query, CancellationToken ct)
    {
        var page = await db.StripePayments.AsNoTracking().Where(p => p.Overpayment).ToPageAsync(query.ToRequest(), p => p, ct);
        return new Page<OverpaymentDto>(await DescribeAsync(page.Items, ct), page.HasMore, page.NextCursor);
    }

    /// <summary>One invoice's overpayments, newest first (an invoice has few: each is a customer paying it again).</summary>
    public async Task<IReadOnlyList<OverpaymentDto>> OfInvoiceAsync(Guid invoiceId, CancellationToken ct)
    {
        var payments = await db.StripePayments.AsNoTracking().Where(p => p.Overpayment && p.InvoiceId == invoiceId).ToListAsync(ct);
        return await DescribeAsync(payments.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).ToList(), ct);
    }

    private async Task<IReadOnlyList<OverpaymentDto>> DescribeAsync(IReadOnlyList<StripePaymentRecord> payments, CancellationToken ct)
    {
        var invoiceIds = payments.Select(p => p.InvoiceId).Distinct().ToList();
        var invoices = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id))
            .Select(i => new { i.Id, i.TenantId, i.Number }).ToDictionaryAsync(i => i.Id, ct);
        var paymentIds = payments.Select(p => (Guid?)p.Id).ToList();
        var adjustments = (await db.StripeAdjustments.AsNoTracking().Where(a => paymentIds.Contains(a.PaymentId)).ToListAsync(ct)).ToLookup(a => a.PaymentId);
        return payments.Select(p =>
        {
            var takeBack = StripeSettlement.TakeBack(p.Amount, p.Currency, adjustments[p.Id]);
            var invoice = invoices[p.InvoiceId];
            return new OverpaymentDto(p.Id, p.InvoiceId, invoice.TenantId, invoice.Number, p.PaymentIntentId, p.ChargeId,
                p.Amount, p.Currency, takeBack.Refunded, takeBack.Disputed, p.Amount - takeBack.Total, p.CreatedAt);
        }).ToList();
    }
}

[Route("api/billing/overpayments")]
[Authorize(Policies.PlatformAdmin)]
[Tags("Billing")]
public sealed class OverpaymentsApiController(OverpaymentService overpayments) : ApiControllerBase
{
    [HttpGet]
    [EndpointName("Billing_ListOverpayments")]
    [EndpointSummary("Stripe payments received for invoices already paid or void, newest first, with what was refunded of each")]
    public async Task<ActionResult<Page<OverpaymentDto>>> List([FromQuery] PageQuery page, CancellationToken ct) => Ok(await overpayments.ListAsync(page, ct));
}
