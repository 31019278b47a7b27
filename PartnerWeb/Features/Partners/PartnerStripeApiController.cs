using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Features.Dashboards;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Issue 16: payouts with Stripe Connect, under the partner routes and their rules (staff 403; another
/// tenant's partner 404 through <see cref="PartnerAccess"/>).
/// </summary>
[Route("api/partners/{partnerId:guid}/stripe")]
[Authorize(Policies.TenantAdmin)]
[Tags("Partners")]
public sealed class PartnerStripeApiController(PartnerStripeService stripe) : ApiControllerBase
{
    [HttpGet]
    [EndpointName("Partners_GetStripeAccount")]
    [EndpointSummary("The partner's Stripe payout account: none, action_needed (with what Stripe asks for), ready or disabled")]
    public async Task<ActionResult<PartnerStripeDto>> Get(Guid partnerId, CancellationToken ct) => From(await stripe.GetAsync(partnerId, ct), Ok);

    [HttpPost("onboarding")]
    [EndpointName("Partners_StartStripeOnboarding")]
    [PartnerWriteLimit]
    [EndpointSummary("Set up payouts with Stripe: the partner's Express account (made on the first call) and a fresh onboarding link to send the partner to")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status502BadGateway)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<StripeOnboardingDto>> Onboard(Guid partnerId, CancellationToken ct) =>
        From(await stripe.OnboardAsync(partnerId, PartnerDashboardController.Page(Request), ct), Ok);
}
