using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Billing;

[Route("api/billing/invoices")]
[Authorize]
[Tags("Billing")]
public sealed class BillingApiController(InvoiceService invoices) : ApiControllerBase
{
    [HttpGet]
    [EndpointSummary("Invoices of the caller's tenant (platform admins: all, or ?tenantId=)")]
    public async Task<ActionResult<Page<InvoiceDto>>> List([FromQuery] InvoiceListQuery query, CancellationToken ct) =>
        Ok(await invoices.ListAsync(query, ct));

    [HttpGet("{id:guid}")]
    [EndpointSummary("An invoice")]
    public async Task<ActionResult<InvoiceDto>> Get(Guid id, CancellationToken ct) => From(await invoices.GetAsync(id, ct), Ok);

    [HttpPost("{id:guid}/mark-paid")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Approve a manual payment: open → paid")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<InvoiceDto>> MarkPaid(Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] MarkPaidRequest? request, CancellationToken ct) =>
        From(await invoices.MarkPaidAsync(id, request?.Reference, ct), Ok);

    [HttpPost("{id:guid}/void")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Void an open invoice")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<InvoiceDto>> Void(Guid id, CancellationToken ct) => From(await invoices.VoidAsync(id, ct), Ok);
}
