using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// The operator's billing pages: every tenant's invoices, one invoice with mark paid, refund and void. Each action is
/// the <see cref="InvoiceService"/> call <see cref="BillingApiController"/> makes; htmx swaps the invoice section,
/// a plain post comes back to the page.
/// </summary>
[Authorize(Policies.PlatformAdmin)]
[Route("dashboard/admin/billing")]
[OneDbConnection]
public sealed class AdminBillingPagesController(InvoiceService invoices, AdminBillingCatalog catalog) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(InvoiceListQuery query, CancellationToken ct)
    {
        var filter = new AdminInvoiceFilter(Request.Query["status"], Request.Query["tenantId"], Request.Query["number"]);
        var errors = ModelState.IsValid ? FormErrors.None : FormErrors.From(ModelState);
        var paged = new InvoiceListQuery { Status = query.Status, TenantId = query.TenantId, Number = query.Number, Cursor = query.Cursor, Limit = AdminBillingCatalog.PageSize };
        var model = await catalog.InvoicesAsync(paged, filter, errors, ct);
        if (errors.Any) Response.StatusCode = StatusCodes.Status400BadRequest;
        // The filter swaps only the invoices section; the overpayments are read for the whole page alone.
        var (overpayments, more) = Request.IsHtmx() ? ([], false) : await catalog.OverpaymentsAsync(ct);
        return this.PageOrFragment("AdminBilling", new AdminBillingModel(model, overpayments, more), "_AdminInvoices", model);
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Detail(Guid id, CancellationToken ct)
    {
        if (await catalog.InvoiceAsync(id, _ => new MarkPaidForm(), RefundForm.Fresh, FormErrors.None, null, ct) is not { } model) return NotFound();
        return this.PageOrFragment("AdminInvoice", model, "_AdminInvoice", model);
    }

    [HttpPost("{id:guid}/mark-paid")]
    public async Task<IActionResult> MarkPaid(Guid id, MarkPaidForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return await AnswerAsync(id, FormErrors.From(ModelState), StatusCodes.Status400BadRequest, null, form, null, ct);
        var paid = await invoices.MarkPaidAsync(id, form.Reference, ct);
        return await OutcomeAsync(id, paid, i => $"Marked paid with reference {i.PaymentReference}.", form, null, ct);
    }

    [HttpPost("{id:guid}/refund")]
    public async Task<IActionResult> Refund(Guid id, RefundForm form, CancellationToken ct)
    {
        if ((await invoices.GetAsync(id, ct)).Value is not { } invoice) return await AnswerAsync(id, FormErrors.None, StatusCodes.Status404NotFound, null, null, form, ct);
        var amount = form.MinorUnits(invoice.Currency, ModelState);
        if (!ModelState.IsValid) return await AnswerAsync(id, FormErrors.From(ModelState), StatusCodes.Status400BadRequest, null, null, form, ct);
        var refunded = await invoices.RefundAsync(id, new RefundRequest { Amount = amount, Reason = form.Reason }, form.IdempotencyKey, ct);
        // The service's refusal of too large an amount is, on this form, a wrong value typed in the amount field.
        if (refunded.Error == InvoiceService.RefundTooLarge)
            refunded = AppError.Validation("amount", $"{refunded.Error.Title} At most {MoneyFormat.Format(invoice.Total - invoice.RefundedAmount, invoice.Currency)} can be refunded.");
        return await OutcomeAsync(id, refunded, i => $"Refunded {MoneyFormat.Format(amount!.Value, i.Currency)}.", null, form, ct);
    }

    [HttpPost("{id:guid}/void")]
    public async Task<IActionResult> Void(Guid id, CancellationToken ct) =>
        await OutcomeAsync(id, await invoices.VoidAsync(id, ct), _ => "The invoice is void.", null, null, ct);

    private Task<IActionResult> OutcomeAsync(Guid id, Result<InvoiceDto> result, Func<InvoiceDto, string> done, MarkPaidForm? markPaid, RefundForm? refund, CancellationToken ct) =>
        result.Value is { } invoice
            ? AnswerAsync(id, FormErrors.None, StatusCodes.Status200OK, done(invoice), null, null, ct)
            : AnswerAsync(id, FormErrors.From(result.Error!), result.Error!.Status, null, markPaid, refund, ct);

    /// <summary>
    /// The invoice section after an action: a success shows its notice with fresh forms (a new refund key); a refusal
    /// keeps what was typed in the form it concerns. Plain posts get the page back, or a redirect to it after a success.
    /// </summary>
    private async Task<IActionResult> AnswerAsync(
        Guid id, FormErrors errors, int status, string? notice, MarkPaidForm? markPaid, RefundForm? refund, CancellationToken ct)
    {
        if (!Request.IsHtmx() && status < 400) return RedirectToAction(nameof(Detail), new { id });
        var model = await catalog.InvoiceAsync(id, _ => markPaid ?? new MarkPaidForm(), i => refund ?? RefundForm.Fresh(i), errors, notice, ct);
        if (model is null)
            return Request.IsHtmx() ? this.Fragment("~/Features/Dashboards/Views/_Message.cshtml", "Invoice was not found.", StatusCodes.Status404NotFound) : NotFound();
        if (Request.IsHtmx()) return this.Fragment("_AdminInvoice", model, status);
        Response.StatusCode = status;
        return View("AdminInvoice", model);
    }
}
