using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>The earnings section's answer to htmx, the same on the partner's and the admin's page.</summary>
public static class EarningsFilter
{
    /// <summary>The id of the filter form: htmx names it in <c>HX-Trigger</c> when the form asked.</summary>
    public const string FormId = "earnings-filter";

    /// <summary>
    /// A page of rows for "load more"; else the section, and when the filter form asked and the filter is valid
    /// the page's address with the filter goes into the address bar (a reload or a shared link shows the same).
    /// A refused filter is a 400 with the message beside the form.
    /// </summary>
    public static IActionResult Answer(Controller controller, EarningsModel model, string? cursor)
    {
        if (cursor is not null) return controller.Fragment("_EarningRows", new EarningRowsModel(model));
        if (model.Error is not null) return controller.Fragment("_Earnings", model, StatusCodes.Status400BadRequest);
        if (controller.Request.Headers["HX-Trigger"] == FormId) controller.Response.Headers["HX-Push-Url"] = model.PageUrl;
        return controller.Fragment("_Earnings", model);
    }
}
