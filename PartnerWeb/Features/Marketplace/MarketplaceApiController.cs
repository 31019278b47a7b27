using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Marketplace;

[Route("api/marketplace")]
[Authorize]
public sealed class MarketplaceApiController(MarketplaceService marketplace) : ApiControllerBase
{
    [HttpGet("items")]
    public async Task<ActionResult> ListItems([FromQuery] PageQuery page, CancellationToken ct) =>
        Ok(await marketplace.ListItemsAsync(page.ToRequest(), ct));

    [HttpPost("items")]
    [Authorize(Policies.TenantAdmin)]
    public async Task<ActionResult> CreateItem(CreateItemRequest request, CancellationToken ct) =>
        From(await marketplace.CreateItemAsync(request, ct), item => Created($"/api/marketplace/items/{item.Id}", item));

    [HttpPost("items/{id:guid}/install")]
    [Authorize(Policies.TenantAdmin)]
    public async Task<ActionResult> Install(Guid id, CancellationToken ct) =>
        From(await marketplace.InstallAsync(id, ct), result => Created($"/api/marketplace/installs/{result.Install.Id}", result));

    [HttpGet("installs")]
    public async Task<ActionResult> ListInstalls([FromQuery] PageQuery page, CancellationToken ct) =>
        Ok(await marketplace.ListInstallsAsync(page.ToRequest(), ct));
}
