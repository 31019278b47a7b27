using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;
using Stripe.Checkout;
using Invoice = PartnerWeb.Domain.Invoice;
using StripeException = Stripe.StripeException;

namespace PartnerWeb.Features.Billing;

public sealed record CheckoutDto(string SessionId, string Url, DateTime ExpiresAt)
{
    public static CheckoutDto From(CheckoutSession session) => new(session.StripeSessionId, session.Url, session.ExpiresAt);
}

/// <summary>The session to send the customer to; <see cref="Created"/> is false when an open one was answered again.</summary>
public sealed record CheckoutStarted(CheckoutDto Session, bool Created);

/// <summary>
/// A customer pays an open invoice of their tenant by card: a Stripe Checkout Session in payment mode
/// whose line items are the invoice's lines. The invoice id travels as <c>client_reference_id</c> and in
/// the metadata of the session and of its payment intent, so the payment events name it.
/// </summary>
public sealed class CheckoutService(
    AppDbContext db, CurrentUser currentUser, StripeGateway stripe, AuditLog audit, IdGenerator ids, TimeProvider clock,
    ILogger<CheckoutService> logger)
{
    /// <summary>A session closer than this to its expiry is not offered again: the customer needs the time to pay.</summary>
    private static readonly TimeSpan ReuseMargin = TimeSpan.FromMinutes(5);

    /// <param name="invoicePage">The customer's page of the invoice, where Stripe sends them back.</param>
    public async Task<Result<CheckoutStarted>> StartAsync(Guid invoiceId, Uri invoicePage, CancellationToken ct)
    {
        var user = currentUser.Required;
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines)
            .FirstOrDefaultAsync(i => i.Id == invoiceId && i.TenantId == user.TenantId, ct);
        if (invoice is null) return AppError.NotFound("Invoice");
        if (!StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Paid))
            return AppError.Conflict(StateMachines.Invoice.Refusal(invoice.Status, InvoiceStatus.Paid));
        if (!stripe.Configured) return StripeGateway.NotConfigured;

        var now = clock.GetUtcNow().UtcDateTime;
        var latest = await db.CheckoutSessions.AsNoTracking().Where(s => s.InvoiceId == invoiceId)
            .OrderByDescending(s => s.Attempt).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.ExpiresAt > now + ReuseMargin) return new CheckoutStarted(CheckoutDto.From(latest), Created: false);

        var attempt = (latest?.Attempt ?? 0) + 1;
        Session session;
        try
        {
            session = await stripe.CreateCheckoutSessionAsync(SessionFor(invoice, invoicePage), CheckoutSession.IdempotencyKey(invoiceId, attempt), ct);
        }
        catch (StripeException ex)
        {
            logger.LogError(ex, "Stripe refused a Checkout Session for invoice {InvoiceId}", invoiceId);
            return new AppError(StatusCodes.Status502BadGateway, "Stripe could not start the payment; try again later.");
        }

        var row = new CheckoutSession
        {
            Id = ids.NewId(), InvoiceId = invoiceId, Attempt = attempt, StripeSessionId = session.Id, Url = session.Url,
            ExpiresAt = session.ExpiresAt, CreatedAt = now,
        };
        try
        {
            await UnitOfWork.RunAsync(db, (work, ct) =>
            {
                db.CheckoutSessions.Add(row);
                audit.Record(AuditActions.InvoiceCheckoutStarted, nameof(Invoice), invoiceId, invoice.TenantId,
                    new { sessionId = row.StripeSessionId, row.Attempt, row.ExpiresAt });
                return Task.FromResult(true);
            }, ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent start of the same attempt sent the same idempotency key, so Stripe answered it
            // the same session, and it was recorded first.
            var recorded = await db.CheckoutSessions.AsNoTracking().SingleAsync(s => s.InvoiceId == invoiceId && s.Attempt == attempt, ct);
            return new CheckoutStarted(CheckoutDto.From(recorded), Created: false);
        }
        return new CheckoutStarted(CheckoutDto.From(row), Created: true);
    }

    /// <summary>
    /// Stripe ended a session without payment (it expired, or its delayed payment failed): it is not
    /// offered again, so the customer's next "pay" opens a new one. False when the session is not ours
    /// or already ended.
    /// </summary>
    public async Task<bool> EndAsync(string stripeSessionId, string why, CancellationToken ct) =>
        await UnitOfWork.RunAsync(db, async (work, ct) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var session = await db.CheckoutSessions.FirstOrDefaultAsync(s => s.StripeSessionId == stripeSessionId && s.ExpiresAt > now, ct);
            if (session is null) return work.Discard(false);
            session.ExpiresAt = now;
            var tenantId = await db.Invoices.Where(i => i.Id == session.InvoiceId).Select(i => i.TenantId).SingleAsync(ct);
            audit.Record(AuditActions.InvoiceCheckoutEnded, nameof(Invoice), session.InvoiceId, tenantId, new { sessionId = stripeSessionId, session.Attempt, why });
            return true;
        }, ct);

    private static SessionCreateOptions SessionFor(Invoice invoice, Uri invoicePage)
    {
        var metadata = new Dictionary<string, string> { ["invoiceId"] = invoice.Id.ToString() };
        return new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = invoice.Id.ToString(),
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string>(metadata) },
            LineItems = invoice.Lines.Select(line => new SessionLineItemOptions
            {
                Quantity = line.Quantity,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = invoice.Currency.ToLowerInvariant(),
                    UnitAmount = line.UnitAmount,
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = line.Description },
                },
            }).ToList(),
            SuccessUrl = $"{invoicePage}?checkout=success",
            CancelUrl = $"{invoicePage}?checkout=cancelled",
        };
    }
}
