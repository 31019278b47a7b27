using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace PartnerWeb.Auth;

/// <summary>
/// Marks a partner write (spec §8 ★, and the dashboard actions that do the same): at most
/// <c>RateLimiting:PartnerWrites</c> per tenant + user and window, counted by <see cref="FixedWindowCounter"/>
/// across every instance on the database. A resource filter, so it counts once the caller is authorized and
/// before the body is bound. When the database cannot count, the write proceeds (the counter logs it): the
/// limit protects capacity, and each partner write is still authorized and audited on its own.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PartnerWriteLimitAttribute : Attribute, IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        var user = services.GetRequiredService<CurrentUser>().Required;
        var decision = await services.GetRequiredService<FixedWindowCounter>()
            .HitAsync(RateLimits.PartnerWrites, $"{user.TenantId:N}:{user.Id:N}", context.HttpContext.RequestAborted);
        if (decision is { Allowed: false } refused)
        {
            context.Result = new Rejection(refused.RetryAfterSeconds);
            return;
        }
        await next();
    }

    private sealed class Rejection(int retryAfterSeconds) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) =>
            RateLimits.WriteRejectionAsync(context.HttpContext, retryAfterSeconds, context.HttpContext.RequestAborted).AsTask();
    }
}
