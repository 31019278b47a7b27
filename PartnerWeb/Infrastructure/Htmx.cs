using Microsoft.AspNetCore.Mvc;

namespace PartnerWeb.Infrastructure;

public static class Htmx
{
    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";

    /// <summary>
    /// The fragment for an htmx request, the whole page otherwise: both render the same partial,
    /// so a reload shows exactly what the swap showed. Caches are told the answer varies.
    /// </summary>
    public static IActionResult PageOrFragment(this Controller controller, string page, object pageModel, string fragment, object fragmentModel)
    {
        controller.Response.Headers.Append("Vary", "HX-Request");
        return controller.Request.IsHtmx()
            ? controller.PartialView(fragment, fragmentModel)
            : controller.View(page, pageModel);
    }

    /// <summary>A fragment for htmx with the status of the outcome (htmx swaps 4xx too; see site.js).</summary>
    public static IActionResult Fragment(this Controller controller, string fragment, object model, int status = StatusCodes.Status200OK)
    {
        controller.Response.Headers.Append("Vary", "HX-Request");
        controller.Response.StatusCode = status;
        return controller.PartialView(fragment, model);
    }
}
