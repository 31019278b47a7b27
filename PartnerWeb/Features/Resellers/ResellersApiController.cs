using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Resellers;

[Route("api/resellers")]
[Authorize(Policies.TenantAdmin)]
[Tags("Resellers")]
public sealed class ResellersApiController(ResellerService resellers) : ApiControllerBase
{
    [HttpPost]
    [EndpointName("Resellers_Create")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Make a tenant a reseller (platform admins)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<ResellerDto>> Create(CreateResellerRequest request, CancellationToken ct) =>
        From(await resellers.CreateAsync(request, ct), r => Created($"/api/resellers/{r.Id}", r));

    [HttpPost("me/tenants")]
    [EndpointName("Resellers_CreateChildTenant")]
    [EndpointSummary("Create a child tenant with its owner (reseller owner/admin)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<ChildTenantCreated>> CreateChildTenant(CreateChildTenantRequest request, CancellationToken ct) =>
        From(await resellers.CreateChildTenantAsync(request, ct), t => Created($"/api/resellers/me/tenants/{t.Tenant.Id}", t));

    [HttpGet("me/tenants")]
    [EndpointName("Resellers_ListChildTenants")]
    [EndpointSummary("The reseller's child tenants")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<Page<ChildTenantDto>>> ListChildTenants([FromQuery] PageQuery page, CancellationToken ct) =>
        From(await resellers.ListChildTenantsAsync(page.ToRequest(), ct), Ok);

    [HttpGet("me/commissions")]
    [EndpointName("Resellers_ListCommissions")]
    [EndpointSummary("The reseller's commissions")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<Page<ResellerCommissionDto>>> ListCommissions([FromQuery] PageQuery page, CancellationToken ct) =>
        From(await resellers.ListCommissionsAsync(page.ToRequest(), ct), Ok);
}
