using Microsoft.AspNetCore.Server.Kestrel.Core;
using PartnerWeb.Infrastructure.OpenApi;
using Scalar.AspNetCore;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// The headers every answer carries (pages, API, CSV downloads, /hangfire, errors): a same-origin-only
/// Content-Security-Policy that no one may frame, nosniff, a referrer that never carries a path elsewhere,
/// and HSTS outside Development. Set when the response starts, so error pages and streamed files get them too.
/// </summary>
public static class SecurityHeaders
{
    public const string Policy =
        "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    /// <summary>
    /// The API reference (Scalar) alone: its inline bootstrap script carries a fresh nonce per answer, and its
    /// components apply inline styles at run time (Chromium refuses them under style-src 'self'; the browser
    /// test sees that). Nothing else is relaxed and nothing is loaded from elsewhere.
    /// </summary>
    public static string ReferencePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
        + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    public static IServiceCollection AddPartnerWebSecurityHeaders(this IServiceCollection services)
    {
        // Kestrel would name itself in a Server header on every answer.
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            // Sibling subdomains may be other sites, not served over https by this deployment.
            o.IncludeSubDomains = false;
        });
        return services;
    }

    public static WebApplication UsePartnerWebSecurityHeaders(this WebApplication app)
    {
        // HSTS is sent over https only (and never for localhost); in Development the site is plain http.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                Apply(http);
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }

    private static void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        var nonce = http.Request.Path.StartsWithSegments(ApiDocs.ReferencePath)
            ? http.Items[ScalarOptions.NonceHttpContextItemKey] as string
            : null;
        headers.ContentSecurityPolicy = nonce is null ? Policy : ReferencePolicy(nonce);
        headers.XContentTypeOptions = "nosniff";
        // Older browsers know only this one; antiforgery would otherwise say SAMEORIGIN on pages with a form.
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        // Tokens and the signed-in user: no cache, shared or private, keeps them.
        if (http.Request.Path.StartsWithSegments("/api/auth")) headers.CacheControl = "no-store";
    }
}
