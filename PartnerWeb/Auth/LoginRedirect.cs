using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Auth;

/// <summary>
/// Where the login page sends the user back to. A page visit returns to itself. A form post or an htmx call
/// made after the session ended returns to the page it was made from, not to its own URL: signing in and then
/// opening an action's URL would only answer 405, and a fragment's URL is no page to land on. That page is the
/// htmx HX-Current-URL or the browser's Referer, taken only from this site and only as a local path; "/" when
/// neither is there.
/// </summary>
public static class LoginRedirect
{
    public static Task ToLoginAsync(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        var request = ctx.Request;
        if (PageToReturnTo(request) is { } page)
            ctx.RedirectUri = request.PathBase + ctx.Options.LoginPath + QueryString.Create(ctx.Options.ReturnUrlParameter, page);
        // htmx cannot follow a login redirect into a fragment; tell it to load the login page instead.
        if (request.IsHtmx())
        {
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            ctx.Response.Headers["HX-Redirect"] = ctx.RedirectUri;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }

    /// <summary>The page to come back to, or null to keep the request's own URL (a page opened with GET).</summary>
    public static string? PageToReturnTo(HttpRequest request)
    {
        if (request.IsHtmx() && SameSitePath(request, request.Headers["HX-Current-URL"]) is { } current) return current;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) return null;
        return SameSitePath(request, request.Headers.Referer) ?? "/";
    }

    /// <summary>The path and query of an absolute URL of this site; null for anything else.</summary>
    private static string? SameSitePath(HttpRequest request, string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        if (!string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase) || uri.Port != port)
            return null;
        var path = uri.PathAndQuery;
        // "//host/…" and "/\host/…" would leave the site once used as a redirect.
        return path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("/\\", StringComparison.Ordinal)
            ? path
            : null;
    }
}
