using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Features.Home;

public sealed class HomeController(CurrentUser currentUser, PartnerAccountService accounts) : Controller
{
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        var user = currentUser.Required;
        // Only owners and admins of a customer organisation see the partner dashboard, so only they need its status.
        var partner = UserInfo.IsAdminRole(user.Role) && !user.IsPlatformAdmin ? (await accounts.MineAsync(ct)).Value : null;
        return View(HomeModel.For(user, partner?.Status));
    }
}
