using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// For reads that run several queries (a dashboard page runs about ten): a GET opens the request's
/// database connection once, before the action, instead of EF opening and closing it around every
/// query; it closes with the request's DbContext. Only GET and HEAD, which write nothing here, so no
/// transaction ever runs on a connection kept open this way.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class OneDbConnectionAttribute : Attribute, IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            await context.HttpContext.RequestServices.GetRequiredService<AppDbContext>().Database.OpenConnectionAsync(context.HttpContext.RequestAborted);
        await next();
    }
}
