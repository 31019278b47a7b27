using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Resellers;

[Route("api/resellers")]
[Authorize(Policies.TenantAdmin)]
public sealed class ResellersApiController(ResellerService resellers) : ApiControllerBase
{
    [HttpPost]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> Create(CreateResellerRequest request, CancellationToken ct) =>
        From(await resellers.CreateAsync(request, ct), r => Created($"/api/resellers/{r.Id}", r));

    [HttpPost("me/tenants")]
    public async Task<ActionResult> CreateChildTenant(CreateChildTenantRequest request, CancellationToken ct) =>
        From(await resellers.CreateChildTenantAsync(request, ct), t => Created($"/api/resellers/me/tenants/{t.Tenant.Id}", t));

    [HttpGet("me/tenants")]
    public async Task<ActionResult> ListChildTenants([FromQuery] PageQuery page, CancellationToken ct) =>
        From(await resellers.ListChildTenantsAsync(page.ToRequest(), ct), Ok);

    [HttpGet("me/commissions")]
    public async Task<ActionResult> ListCommissions([FromQuery] PageQuery page, CancellationToken ct) =>
        From(await resellers.ListCommissionsAsync(page.ToRequest(), ct), Ok);
}
