using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Billing;

[Route("api/billing/stripe/webhook")]
public sealed class StripeWebhookController(StripeWebhookService webhooks) : ApiControllerBase
{
    /// <summary>200 means the event is durably recorded (or was already, or needs nothing from us).</summary>
    [HttpPost]
    [AllowAnonymous]
    public async Task<ActionResult> Receive(CancellationToken ct)
    {
        using var reader = new StreamReader(Request.Body);
        var json = await reader.ReadToEndAsync(ct);
        return From(await webhooks.HandleAsync(json, Request.Headers["Stripe-Signature"], ct), Ok);
    }
}
