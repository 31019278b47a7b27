using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Marketplace;

[Route("api/marketplace")]
[Authorize]
[Tags("Marketplace")]
public sealed class MarketplaceApiController(MarketplaceService marketplace) : ApiControllerBase
{
    [HttpGet("items")]
    [EndpointName("Marketplace_ListItems")]
    [EndpointSummary("Marketplace items")]
    public async Task<ActionResult<Page<ItemDto>>> ListItems([FromQuery] PageQuery page, CancellationToken ct) =>
        Ok(await marketplace.ListItemsAsync(page.ToRequest(), ct));

    [HttpPost("items")]
    [EndpointName("Marketplace_CreateItem")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Publish an item (platform admins; owner/admin of an approved partner)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    public async Task<ActionResult<ItemDto>> CreateItem(CreateItemRequest request, CancellationToken ct) =>
        From(await marketplace.CreateItemAsync(request, ct), item => Created($"/api/marketplace/items/{item.Id}", item));

    [HttpPost("items/{id:guid}/install")]
    [EndpointName("Marketplace_Install")]
    [Authorize(Policies.TenantAdmin)]
    [EndpointSummary("Install an item: records the install and opens an invoice for its price")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<InstallResult>> Install(Guid id, CancellationToken ct) =>
        From(await marketplace.InstallAsync(id, ct), result => Created($"/api/marketplace/installs/{result.Install.Id}", result));

    [HttpGet("installs")]
    [EndpointName("Marketplace_ListInstalls")]
    [EndpointSummary("Installs of the caller's tenant")]
    public async Task<ActionResult<Page<InstallDto>>> ListInstalls([FromQuery] PageQuery page, CancellationToken ct) =>
        Ok(await marketplace.ListInstallsAsync(page.ToRequest(), ct));
}
