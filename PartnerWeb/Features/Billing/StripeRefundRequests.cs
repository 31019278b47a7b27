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
    AppDbContext db, StripeGateway stripe, StripeTakeBacks takeBacks, CurrentUser currentUser, ILogger<StripeRefundRequests> logger)
{
    /// <summary>The payment that paid the invoice, when Stripe did; its refunds go through <see cref="RefundAsync"/>.</summary>
    public Task<StripePaymentRecord?> PaymentOfAsync(Guid invoiceId, CancellationToken ct) =>
        db.StripePayments.AsNoTracking().FirstOrDefaultAsync(p => p.InvoiceId == invoiceId && !p.Overpayment, ct);

    public static AppError KeyReused => new(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used on this invoice for a different refund request.");

    /// <param name="idempotencyKey">
    /// The caller's: a repeat answers like the first, before anything is checked again. Without one, the key
    /// is made of what the refund is (the invoice's refunded total so far and the amount), so a double click
    /// is one refund and a later refund of the same amount is another.
    /// </param>
    public async Task<AppError?> RefundAsync(Invoice invoice, StripePaymentRecord payment, RefundRequest request, string? idempotencyKey, CancellationToken ct)
    {
        var remaining = invoice.Total - invoice.RefundedAmount;
        var amount = request.Amount ?? remaining;
        var key = $"refund-{invoice.Id:N}-{idempotencyKey ?? $"{invoice.RefundedAmount}-{amount}"}";
        var hash = RefundRequestHash.Of(request.Amount, request.Reason);
        if (idempotencyKey is not null && await db.StripeAdjustments.Where(a => a.RequestKey == key).Select(a => new { a.RequestHash }).FirstOrDefaultAsync(ct) is { } used)
            return used.RequestHash is null || used.RequestHash == hash ? null : KeyReused;
        if (!StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Refunded)) return AppError.Conflict(StateMachines.Invoice.Rule(InvoiceStatus.Refunded));
        if (amount > remaining) return InvoiceService.RefundTooLarge;
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
            }, key, ct);
        }
        catch (StripeException ex) when ((int)ex.HttpStatusCode is >= 400 and < 500 and not 429)
        {
            // Stripe will not do it (the charge is disputed, already refunded, the key was used otherwise): a conflict, not an outage.
            logger.LogWarning("Stripe refused a refund of {Amount} for invoice {InvoiceId}: {Message}", amount, invoice.Id, ex.StripeError?.Message);
            return AppError.Conflict($"Stripe refused the refund: {ex.StripeError?.Message ?? ex.Message}");
        }
        catch (StripeException ex)
        {
            logger.LogError(ex, "Stripe could not refund {Amount} for invoice {InvoiceId}", amount, invoice.Id);
            return new AppError(StatusCodes.Status502BadGateway, "Stripe could not be reached to refund; try again with the same Idempotency-Key.");
        }

        var seen = new RefundEventHandler().Read(refund);
        (seen.RequestKey, seen.RequestHash) = (key, hash);
        await takeBacks.ApplyAsync(seen, new TakeBackCause(null, request.Reason?.Trim() ?? $"refund {refund.Id} requested", currentUser.Info?.Id), ct);
        return null;
    }
}
