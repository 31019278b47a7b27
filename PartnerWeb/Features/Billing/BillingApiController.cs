using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Billing;

[Route("api/billing/invoices")]
[Authorize]
[Tags("Billing")]
public sealed class BillingApiController(InvoiceService invoices, CheckoutService checkout) : ApiControllerBase
{
    [HttpGet]
    [EndpointName("Billing_ListInvoices")]
    [EndpointSummary("Invoices of the caller's tenant (platform admins: all, or ?tenantId=)")]
    public async Task<ActionResult<Page<InvoiceDto>>> List([FromQuery] InvoiceListQuery query, CancellationToken ct) =>
        Ok(await invoices.ListAsync(query, ct));

    [HttpGet("{id:guid}")]
    [EndpointName("Billing_GetInvoice")]
    [EndpointSummary("An invoice")]
    public async Task<ActionResult<InvoiceDto>> Get(Guid id, CancellationToken ct) => From(await invoices.GetAsync(id, ct), Ok);

    [HttpPost("{id:guid}/checkout")]
    [EndpointName("Billing_Checkout")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Pay an open invoice of your tenant by card: a Stripe Checkout Session (201), or the unexpired one already started (200)")]
    [ProducesResponseType<CheckoutDto>(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<CheckoutDto>> Checkout(Guid id, CancellationToken ct)
    {
        var page = BillingPagesController.InvoicePage(Request, id);
        return From(await checkout.StartAsync(id, page, ct), started => started.Created ? StatusCode(StatusCodes.Status201Created, started.Session) : Ok(started.Session));
    }

    [HttpPost("{id:guid}/mark-paid")]
    [EndpointName("Billing_MarkPaid")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Approve a manual payment: open → paid")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<InvoiceDto>> MarkPaid(Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] MarkPaidRequest? request, CancellationToken ct) =>
        From(await invoices.MarkPaidAsync(id, request?.Reference, ct), Ok);

    [HttpPost("{id:guid}/refund")]
    [EndpointName("Billing_Refund")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Refund part or all of a paid invoice (Idempotency-Key header makes a retry safe; the same key with another request is 422)")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status422UnprocessableEntity)]
    public async Task<ActionResult<InvoiceDto>> Refund(
        Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RefundRequest? request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
        From(await invoices.RefundAsync(id, request ?? new RefundRequest(), idempotencyKey, ct), Ok);

    [HttpPost("{id:guid}/void")]
    [EndpointName("Billing_Void")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Void an open invoice")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<InvoiceDto>> Void(Guid id, CancellationToken ct) => From(await invoices.VoidAsync(id, ct), Ok);
}
