using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Marketplace;

/// <summary>
/// /marketplace: browse the items, buy one, and see the tenant's installs. Buying is the install the API does
/// (same service, same policy); the page only turns its outcome into a redirect or a readable refusal.
/// </summary>
[Authorize]
[Route("marketplace")]
public sealed class MarketplacePagesController(
    MarketplaceService marketplace, MarketplaceCatalog catalog, IAuthorizationService authorization) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        var model = await catalog.ModelAsync(await MayBuyAsync(), null, ct);
        return this.PageOrFragment("Marketplace", model, "_Marketplace", model);
    }

    /// <summary>
    /// A plain post is answered 303 to the new invoice's page; htmx cannot show a followed redirect as a new page,
    /// so it gets HX-Redirect to the same place.
    /// </summary>
    [HttpPost("items/{id:guid}/buy")]
    [Authorize(Policies.TenantAdmin)]
    public async Task<IActionResult> Buy(Guid id, CancellationToken ct)
    {
        var installed = await marketplace.InstallAsync(id, ct);
        if (installed.Value is { } result)
        {
            var invoicePage = $"/billing/invoices/{result.Invoice.Id}";
            if (Request.IsHtmx())
            {
                Response.Headers["HX-Redirect"] = invoicePage;
                return NoContent();
            }
            Response.Headers.Location = invoicePage;
            return StatusCode(StatusCodes.Status303SeeOther);
        }
        var error = installed.Error!;
        var model = await catalog.ModelAsync(await MayBuyAsync(), error.Title, ct);
        if (Request.IsHtmx()) return this.Fragment("_Marketplace", model, error.Status);
        Response.StatusCode = error.Status;
        return View("Marketplace", model);
    }

    /// <summary>The install endpoint's own policy decides who is offered the button.</summary>
    private async Task<bool> MayBuyAsync() => (await authorization.AuthorizeAsync(User, Policies.TenantAdmin)).Succeeded;
}
