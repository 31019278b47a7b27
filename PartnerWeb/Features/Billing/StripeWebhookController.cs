using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Billing;

/// <summary>Stripe's two endpoints: the platform's own events, and its connected accounts' (each signed with its own secret).</summary>
[Route("api/billing/stripe")]
[Tags("Billing")]
[AllowAnonymous]
[ProblemResponse(StatusCodes.Status400BadRequest)]
[ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
[ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
public sealed class StripeWebhookController : ApiControllerBase
{
    /// <summary>200 means the event is durably recorded (or was already, or needs nothing from us).</summary>
    [HttpPost("webhook")]
    [EndpointName("Billing_StripeWebhook")]
    [EndpointSummary("Stripe webhook: a signed payment event")]
    public async Task<ActionResult<WebhookReceipt>> Receive([FromServices] StripeWebhookService webhooks, CancellationToken ct) =>
        From(await webhooks.HandleAsync(await BodyAsync(ct), Request.Headers["Stripe-Signature"], ct), Ok);

    [HttpPost("connect-webhook")]
    [EndpointName("Billing_StripeConnectWebhook")]
    [EndpointSummary("Stripe Connect webhook: a signed event of a partner's connected account")]
    public async Task<ActionResult<WebhookReceipt>> ReceiveConnect([FromServices] StripeConnectWebhookService webhooks, CancellationToken ct) =>
        From(await webhooks.HandleAsync(await BodyAsync(ct), Request.Headers["Stripe-Signature"], ct), Ok);

    /// <summary>The exact bytes: the signature covers them.</summary>
    private async Task<string> BodyAsync(CancellationToken ct)
    {
        using var reader = new StreamReader(Request.Body);
        return await reader.ReadToEndAsync(ct);
    }
}
