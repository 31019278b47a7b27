using PartnerWeb.Features.Admin;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// What the operator's billing pages show: invoices and overpayments come from the services the API uses
/// (<see cref="InvoiceService"/>, <see cref="OverpaymentService"/>); this only adds the tenants' names from
/// <see cref="TenantDirectory"/>, as the audit page does.
/// </summary>
public sealed class AdminBillingCatalog(TenantDirectory directory, InvoiceService invoices, OverpaymentService overpayments)
{
    public const int PageSize = 50;
    public const int OverpaymentsShown = 20;

    public async Task<AdminInvoicesModel> InvoicesAsync(InvoiceListQuery query, AdminInvoiceFilter filter, FormErrors errors, CancellationToken ct)
    {
        var tenants = await directory.TenantsAsync(ct);
        // A refused filter lists nothing rather than everything, so no one takes the rows for the filter's answer.
        if (errors.Any) return new AdminInvoicesModel(filter, tenants, [], false, null, errors);
        var page = await invoices.ListAsync(query, ct);
        var names = tenants.ToDictionary(t => t.Id, t => t.Name);
        var rows = page.Items.Select(i => new AdminInvoiceRow(i, names.GetValueOrDefault(i.TenantId, "Unknown tenant"))).ToList();
        return new AdminInvoicesModel(filter, tenants, rows, query.Cursor is not null, page.NextCursor, errors);
    }

    public async Task<(IReadOnlyList<OverpaymentRow> Rows, bool More)> OverpaymentsAsync(CancellationToken ct)
    {
        var page = await overpayments.ListAsync(new PageQuery { Limit = OverpaymentsShown }, ct);
        var names = await directory.TenantNamesAsync(page.Items.Select(o => (Guid?)o.TenantId), ct);
        return (page.Items.Select(o => new OverpaymentRow(o, names.GetValueOrDefault(o.TenantId, "Unknown tenant"))).ToList(), page.HasMore);
    }

    /// <summary>The invoice page's model with the given forms and messages; null when there is no such invoice.</summary>
    public async Task<AdminInvoiceModel?> InvoiceAsync(
        Guid id, Func<InvoiceDto, MarkPaidForm> markPaid, Func<InvoiceDto, RefundForm> refund, FormErrors errors, string? notice, CancellationToken ct)
    {
        if ((await invoices.GetAsync(id, ct)).Value is not { } invoice) return null;
        var names = await directory.TenantNamesAsync([invoice.TenantId], ct);
        return new AdminInvoiceModel(invoice, names.GetValueOrDefault(invoice.TenantId, "Unknown tenant"),
            await invoices.RefundsAsync(id, ct) ?? [], await overpayments.OfInvoiceAsync(id, ct),
            markPaid(invoice), refund(invoice), errors, notice);
    }
}
