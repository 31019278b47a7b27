using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Billing;

[Route("api/billing/stripe/webhook")]
[Tags("Billing")]
public sealed class StripeWebhookController(StripeWebhookService webhooks) : ApiControllerBase
{
    /// <summary>200 means the event is durably recorded (or was already, or needs nothing from us).</summary>
    [HttpPost]
    [AllowAnonymous]
    [EndpointSummary("Stripe webhook: a signed payment event")]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<WebhookReceipt>> Receive(CancellationToken ct)
    {
        using var reader = new StreamReader(Request.Body);
        var json = await reader.ReadToEndAsync(ct);
        return From(await webhooks.HandleAsync(json, Request.Headers["Stripe-Signature"], ct), Ok);
    }
}
