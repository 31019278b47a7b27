using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PartnerWeb.Domain;
using PartnerWeb.Features.Admin;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

/// <summary>The filters as the operator typed them, so a refused filter comes back with its text.</summary>
public sealed record AdminInvoiceFilter(string? Status, string? TenantId, string? Number)
{
    /// <summary>Every status, as the query string names it (snake_case, like the API) and as a reader says it.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Statuses = Enum.GetValues<InvoiceStatus>()
        .Select(s => (JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), StateMachine<InvoiceStatus>.Words(s))).ToList();

    public string Query(string? cursor = null) => string.Join("&", new[] { ("status", Status), ("tenantId", TenantId), ("number", Number), ("cursor", cursor) }
        .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
}

public sealed record AdminInvoiceRow(InvoiceDto Invoice, string TenantName);

/// <summary>The invoices section: the filter form with its errors, one page of rows, and where the next page starts.</summary>
public sealed record AdminInvoicesModel(
    AdminInvoiceFilter Filter, IReadOnlyList<TenantOption> Tenants, IReadOnlyList<AdminInvoiceRow> Rows, bool IsOlderPage, string? NextCursor, FormErrors Errors)
{
    public const string BaseUrl = "/dashboard/admin/billing";

    public string? OlderUrl => NextCursor is null ? null : $"{BaseUrl}?{Filter.Query(NextCursor)}";
    public string NewestUrl => Filter.Query() is { Length: > 0 } query ? $"{BaseUrl}?{query}" : BaseUrl;
}

public sealed record OverpaymentRow(OverpaymentDto Overpayment, string TenantName);

/// <summary>The billing page: the invoices section, and the newest overpayments that still hold money.</summary>
public sealed record AdminBillingModel(AdminInvoicesModel Invoices, IReadOnlyList<OverpaymentRow> Overpayments, bool MoreOverpayments);

/// <summary>Mark paid from the page: unlike the API's optional <c>reference</c>, the form asks for one.</summary>
public sealed class MarkPaidForm
{
    [PaymentReference]
    public string? Reference { get; set; }
}

/// <summary>
/// A refund typed in major units. <see cref="IdempotencyKey"/> is made when the form is rendered, so submitting the
/// same form twice is one refund and a form rendered again is another; it goes to the service as the API's header does.
/// </summary>
public sealed class RefundForm
{
    public string? Amount { get; set; }

    [StringLength(500, ErrorMessage = "The reason is at most 500 characters.")]
    public string? Reason { get; set; }

    [Required(ErrorMessage = "This form has expired: reload the page to refund.")]
    [StringLength(200)]
    public string? IdempotencyKey { get; set; }

    public static RefundForm Fresh(InvoiceDto invoice) => new()
    {
        Amount = MoneyFormat.Plain(invoice.Total - invoice.RefundedAmount, invoice.Currency),
        IdempotencyKey = Guid.NewGuid().ToString("N"),
    };

    /// <summary>The amount in minor units, or an error beside the field: a number above zero with the currency's decimals.</summary>
    public long? MinorUnits(string currency, ModelStateDictionary state)
    {
        if (!MajorUnits.TryToMinor(Amount, currency, Amounts.MaxPrice, "Amount", out var minor, out var error)) state.AddModelError(nameof(Amount), error);
        else if (minor == 0) state.AddModelError(nameof(Amount), "Amount must be above zero.");
        else return minor;
        return null;
    }
}

/// <summary>The invoice page and its fragment: the invoice with its tenant, refunds and overpayments, and its forms as last typed.</summary>
public sealed record AdminInvoiceModel(
    InvoiceDto Invoice, string TenantName, IReadOnlyList<InvoiceRefundDto> Refunds, IReadOnlyList<OverpaymentDto> Overpayments,
    MarkPaidForm MarkPaid, RefundForm Refund, FormErrors Errors, string? Notice)
{
    public string Url => $"{AdminInvoicesModel.BaseUrl}/{Invoice.Id}";
    public long Refundable => Invoice.Total - Invoice.RefundedAmount;

    // The state machine the services obey decides which actions are offered.
    public bool MayMarkPaid => StateMachines.Invoice.Allows(Invoice.Status, InvoiceStatus.Paid);
    public bool MayVoid => StateMachines.Invoice.Allows(Invoice.Status, InvoiceStatus.Void);
    public bool MayRefund => StateMachines.Invoice.Allows(Invoice.Status, InvoiceStatus.Refunded) && Refundable > 0;

    public string Money(long minorUnits) => MoneyFormat.Format(minorUnits, Invoice.Currency);
}
