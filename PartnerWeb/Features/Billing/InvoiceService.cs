using Microsoft.EntityFrameworkCore;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

/// <summary>Invoice reads (tenant-scoped in the query) and the admin transitions.</summary>
public sealed class InvoiceService(
    AppDbContext db, CurrentUser currentUser, InvoicePayments payments, InvoiceRefunds refunds, StripeRefundRequests stripeRefunds, AuditLog audit)
{
    /// <summary>Own tenant's invoices; platform admins see every tenant's (optionally one).</summary>
    private IQueryable<Invoice> Visible()
    {
        var user = currentUser.Required;
        var invoices = db.Invoices.AsNoTracking().Include(i => i.Lines);
        return user.IsPlatformAdmin ? invoices : invoices.Where(i => i.TenantId == user.TenantId);
    }

    public Task<Page<InvoiceDto>> ListAsync(InvoiceListQuery query, CancellationToken ct)
    {
        var invoices = Visible();
        if (query.TenantId is { } tenantId) invoices = invoices.Where(i => i.TenantId == tenantId);
        if (query.Status is { } status) invoices = invoices.Where(i => i.Status == status);
        // Numbers are stored upper-case; matching the upper-cased text keeps the filter case-blind on every provider.
        if (!string.IsNullOrWhiteSpace(query.Number))
        {
            var number = query.Number.Trim().ToUpperInvariant();
            invoices = invoices.Where(i => i.Number.Contains(number));
        }
        return invoices.ToPageAsync(query.ToRequest(), InvoiceDto.From, ct);
    }

    public async Task<Result<InvoiceDto>> GetAsync(Guid id, CancellationToken ct) =>
        await Visible().FirstOrDefaultAsync(i => i.Id == id, ct) is { } invoice
            ? InvoiceDto.From(invoice)
            : AppError.NotFound("Invoice");

    /// <summary>The invoice's refunds, oldest first; null when the caller cannot see the invoice.</summary>
    public async Task<IReadOnlyList<InvoiceRefundDto>?> RefundsAsync(Guid id, CancellationToken ct)
    {
        if (!await Visible().AnyAsync(i => i.Id == id, ct)) return null;
        var refunds = await db.InvoiceRefunds.AsNoTracking().Where(r => r.InvoiceId == id).ToListAsync(ct);
        return refunds.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(InvoiceRefundDto.From).ToList();
    }

    /// <summary>A refund of more than the invoice has left: the same refusal whether Stripe or a person paid it.</summary>
    public static readonly AppError RefundTooLarge = AppError.Conflict("The refund is larger than what is left to refund on this invoice.");

    /// <summary>Manual payment approval: the same paid moment as the Stripe webhook.</summary>
    public async Task<Result<InvoiceDto>> MarkPaidAsync(Guid id, string? reference, CancellationToken ct)
    {
        var outcome = await payments.PayAsync(new PaymentClaim(id, PaymentMethod.Manual, reference?.Trim()), ct);
        return outcome switch
        {
            PaymentOutcome.Paid => await GetAsync(id, ct),
            PaymentOutcome.NotFound => AppError.NotFound("Invoice"),
            PaymentOutcome.AlreadyPaid => AppError.Conflict("The invoice is already paid."),
            PaymentOutcome.Void => AppError.Conflict("The invoice is void."),
            _ => throw new InvalidOperationException($"Unexpected outcome {outcome} of a manual payment."),
        };
    }

    /// <summary>
    /// Refund part or all of a paid invoice: through Stripe's Refund API when Stripe paid it, else by hand.
    /// A repeated request with the same idempotency key answers like the first and refunds nothing more.
    /// </summary>
    public async Task<Result<InvoiceDto>> RefundAsync(Guid id, RefundRequest request, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey?.Length > 200) return AppError.Validation("Idempotency-Key", "The Idempotency-Key header is at most 200 characters.");
        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim();
        if (await stripeRefunds.PaymentOfAsync(id, ct) is { } payment)
        {
            var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == id, ct);
            return await stripeRefunds.RefundAsync(invoice, payment, request, key, ct) is { } refused ? refused : await GetAsync(id, ct);
        }
        var outcome = await refunds.RefundAsync(new RefundClaim(id, request.Amount, Full: request.Amount is null, Reason: request.Reason, IdempotencyKey: key), ct);
        return outcome switch
        {
            RefundOutcome.Refunded or RefundOutcome.Duplicate => await GetAsync(id, ct),
            RefundOutcome.NotFound => AppError.NotFound("Invoice"),
            RefundOutcome.NotRefundable => AppError.Conflict(StateMachines.Invoice.Rule(InvoiceStatus.Refunded)),
            RefundOutcome.ExceedsRemaining => RefundTooLarge,
            RefundOutcome.Conflict => AppError.Conflict("Another refund of this invoice was recorded at the same time; try again."),
            RefundOutcome.KeyReused => StripeRefundRequests.KeyReused,
            _ => AppError.Validation("amount", "Nothing to refund."),
        };
    }

    /// <summary>Voids an invoice where <see cref="StateMachines.Invoice"/> allows it; anything else is a conflict.</summary>
    public async Task<Result<InvoiceDto>> VoidAsync(Guid id, CancellationToken ct)
    {
        var refusal = await UnitOfWork.RunAsync<AppError?>(db, async (work, ct) =>
        {
            var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
            if (invoice is null) return work.Discard(AppError.NotFound("Invoice"));
            if (await VoidAsync(db, id, ct) == 0) return work.Discard(AppError.Conflict(StateMachines.Invoice.Refusal(invoice.Status, InvoiceStatus.Void)));
            audit.Record(AuditActions.InvoiceVoided, nameof(Invoice), id, invoice.TenantId, new { invoice.Number });
            return null;
        }, ct);
        return refusal ?? await GetAsync(id, ct);
    }

    /// <summary>The invoice becomes void only from a status <see cref="StateMachines.Invoice"/> allows; 0 when it did not.</summary>
    internal static Task<int> VoidAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var voidable = StateMachines.Invoice.From(InvoiceStatus.Void);
        return db.Invoices.Where(i => i.Id == id && voidable.Contains(i.Status)).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvoiceStatus.Void), ct);
    }
}
