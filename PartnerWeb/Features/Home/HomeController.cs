using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;

namespace PartnerWeb.Features.Home;

public sealed class HomeController(CurrentUser currentUser) : Controller
{
    [HttpGet("/")]
    public IActionResult Index() => View(currentUser.Required);
}
