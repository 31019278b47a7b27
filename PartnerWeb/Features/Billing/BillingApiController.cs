using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

[Route("api/billing/invoices")]
[Authorize]
public sealed class BillingApiController(InvoiceService invoices) : ApiControllerBase
{
    [HttpGet]
    public async Task<ActionResult> List([FromQuery] InvoiceListQuery query, CancellationToken ct) =>
        Ok(await invoices.ListAsync(query, ct));

    [HttpGet("{id:guid}")]
    public async Task<ActionResult> Get(Guid id, CancellationToken ct) => From(await invoices.GetAsync(id, ct), Ok);

    [HttpPost("{id:guid}/mark-paid")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> MarkPaid(Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] MarkPaidRequest? request, CancellationToken ct) =>
        From(await invoices.MarkPaidAsync(id, request?.Reference, ct), Ok);

    [HttpPost("{id:guid}/refund")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> Refund(
        Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RefundRequest? request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
        From(await invoices.RefundAsync(id, request ?? new RefundRequest(), idempotencyKey, ct), Ok);

    [HttpPost("{id:guid}/void")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> Void(Guid id, CancellationToken ct) => From(await invoices.VoidAsync(id, ct), Ok);
}
