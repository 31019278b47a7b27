using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;
using Stripe;
using Invoice = PartnerWeb.Domain.Invoice;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// An admin's refund of an invoice that Stripe paid goes to Stripe: the customer's money can only come
/// back from there. Stripe's answer (a <c>re_…</c> refund) is settled at once like its own events, which
/// then find it known and change nothing.
/// </summary>
public sealed class StripeRefundRequests(
    AppDbContext db, StripeGateway stripe, StripeTakeBacks takeBacks, CurrentUser currentUser, IdGenerator ids, ILogger<StripeRefundRequests> logger)
{
    /// <summary>The payment that paid the invoice, when Stripe did; its refunds go through <see cref="RefundAsync"/>.</summary>
    public Task<StripePaymentRecord?> PaymentOfAsync(Guid invoiceId, CancellationToken ct) =>
        db.StripePayments.AsNoTracking().FirstOrDefaultAsync(p => p.InvoiceId == invoiceId && !p.Overpayment, ct);

    /// <param name="idempotencyKey">The caller's; without one a retry of this call may refund again, as Stripe's own API would.</param>
    public async Task<AppError?> RefundAsync(Invoice invoice, StripePaymentRecord payment, RefundRequest request, string? idempotencyKey, CancellationToken ct)
    {
        if (!StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Refunded)) return AppError.Conflict(StateMachines.Invoice.Rule(InvoiceStatus.Refunded));
        var remaining = invoice.Total - invoice.RefundedAmount;
        var amount = request.Amount ?? remaining;
        if (amount > remaining) return AppError.Conflict("The refund is larger than what is left to refund on this invoice.");
        if (!stripe.Configured) return StripeGateway.NotConfigured;

        Refund refund;
        try
        {
            refund = await stripe.CreateRefundAsync(new RefundCreateOptions
            {
                PaymentIntent = payment.PaymentIntentId,
                Charge = payment.PaymentIntentId is null ? payment.ChargeId : null,
                Amount = amount,
                Metadata = new Dictionary<string, string> { ["invoiceId"] = invoice.Id.ToString() },
            }, $"refund-{invoice.Id:N}-{idempotencyKey ?? ids.NewId().ToString("N")}", ct);
        }
        catch (StripeException ex)
        {
            logger.LogError(ex, "Stripe refused a refund of {Amount} for invoice {InvoiceId}", amount, invoice.Id);
            return new AppError(StatusCodes.Status502BadGateway, $"Stripe refused the refund: {ex.StripeError?.Message ?? "no reason given"}");
        }

        var seen = new RefundEventHandler().Read(refund);
        await takeBacks.ApplyAsync(seen, new TakeBackCause(null, request.Reason?.Trim() ?? $"refund {refund.Id} requested", currentUser.Info?.Id), ct);
        return null;
    }
}
