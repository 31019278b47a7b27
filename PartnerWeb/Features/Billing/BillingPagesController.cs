using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// The customer's invoices and paying one by card (spec §12, pages). Reads and payments go through the
/// services the API uses; this only picks the caller's tenant and turns outcomes into pages.
/// </summary>
[Authorize]
[Route("billing/invoices")]
public sealed class BillingPagesController(
    InvoiceService invoices, CheckoutService checkout, StripeGateway stripe, IAuthorizationService authorization, CurrentUser currentUser) : Controller
{
    public const int PageSize = 50;

    /// <summary>
    /// Where Stripe sends the customer back: the invoice's page on the host the request came to (as the
    /// forwarded headers of a known proxy give it), so they return to where they left.
    /// </summary>
    public static Uri InvoicePage(HttpRequest request, Guid invoiceId) =>
        new($"{request.Scheme}://{request.Host}{request.PathBase}/billing/invoices/{invoiceId}");

    [HttpGet("")]
    public async Task<IActionResult> Index(string? cursor, CancellationToken ct)
    {
        // Platform admins read every tenant's invoices through the service; these pages are the caller's own tenant.
        var query = new InvoiceListQuery { TenantId = currentUser.Required.TenantId, Limit = PageSize, Cursor = cursor };
        var page = await invoices.ListAsync(query, ct);
        var model = new InvoiceListModel(page.Items, cursor is not null, page.NextCursor, await CardAsync());
        return this.PageOrFragment("Invoices", model, "_InvoiceTable", model);
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Detail(Guid id, string? checkout, CancellationToken ct)
    {
        if (await OwnAsync(id, ct) is not { } invoice) return NotFound();
        var model = new InvoicePageModel(invoice, await CardAsync(), InvoicePageModel.ReturnFrom(checkout), null);
        return this.PageOrFragment("Invoice", model, "_Invoice", model);
    }

    /// <summary>A plain form post, not htmx: the answer sends the browser to Stripe's own page.</summary>
    [HttpPost("{id:guid}/pay")]
    [Authorize(Policies.TenantAdmin)]
    public async Task<IActionResult> Pay(Guid id, CancellationToken ct)
    {
        var started = await checkout.StartAsync(id, InvoicePage(Request, id), ct);
        if (started.Value is { } session)
        {
            Response.Headers.Location = session.Session.Url;
            return StatusCode(StatusCodes.Status303SeeOther);
        }
        var error = started.Error!;
        if (error.Status == StatusCodes.Status404NotFound || await OwnAsync(id, ct) is not { } invoice) return NotFound();
        Response.StatusCode = error.Status;
        // Not configured: the page already says so where the button would be, so no second message.
        var message = error.Status == StatusCodes.Status503ServiceUnavailable ? null : error.Title;
        return View("Invoice", new InvoicePageModel(invoice, await CardAsync(), CheckoutReturn.None, message));
    }

    private async Task<InvoiceDto?> OwnAsync(Guid id, CancellationToken ct) =>
        (await invoices.GetAsync(id, ct)).Value is { } invoice && invoice.TenantId == currentUser.Required.TenantId ? invoice : null;

    /// <summary>The checkout endpoint's own policy decides who is offered the button.</summary>
    private async Task<CardPayment> CardAsync() =>
        new((await authorization.AuthorizeAsync(User, Policies.TenantAdmin)).Succeeded, stripe.Configured);
}
