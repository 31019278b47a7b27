using System.ComponentModel.DataAnnotations;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

public sealed record InvoiceLineDto(Guid Id, Guid? MarketplaceItemId, string Description, int Quantity, long UnitAmount, long Amount);

public sealed record InvoiceDto(
    Guid Id, Guid TenantId, string Number, InvoiceStatus Status, string Currency, long Total, long RefundedAmount,
    IReadOnlyList<InvoiceLineDto> Lines, PaymentMethod? PaymentMethod, string? PaymentReference, DateTime? PaidAt, DateTime CreatedAt)
{
    public static InvoiceDto From(Invoice i) => new(
        i.Id, i.TenantId, i.Number, i.Status, i.Currency, i.Total, i.RefundedAmount,
        i.Lines.Select(l => new InvoiceLineDto(l.Id, l.MarketplaceItemId, l.Description, l.Quantity, l.UnitAmount, l.Amount)).ToList(),
        i.PaymentMethod, i.PaymentReference, i.PaidAt, i.CreatedAt);
}

/// <summary>A refund as the invoice's history shows it: by hand or through Stripe, with its reason.</summary>
public sealed record InvoiceRefundDto(Guid Id, long Amount, string Currency, RefundSource Source, string? Reason, DateTime CreatedAt)
{
    public static InvoiceRefundDto From(InvoiceRefund r) => new(r.Id, r.Amount, r.Currency, r.Source, r.Reason, r.CreatedAt);
}

public sealed class MarkPaidRequest
{
    [StringLength(200)]
    public string? Reference { get; init; }
}

public sealed class InvoiceListQuery : PageQuery
{
    public Guid? TenantId { get; init; }
    public InvoiceStatus? Status { get; init; }

    /// <summary>Part of the invoice number, in any case (<c>INV-2026</c>, <c>8f3a</c>).</summary>
    [StringLength(40, ErrorMessage = "An invoice number is at most 40 characters.")]
    public string? Number { get; init; }
}

public sealed class RefundRequest
{
    /// <summary>Minor units; absent refunds whatever is left of the invoice.</summary>
    [Range(1, long.MaxValue)]
    public long? Amount { get; init; }

    [StringLength(500)]
    public string? Reason { get; init; }
}
