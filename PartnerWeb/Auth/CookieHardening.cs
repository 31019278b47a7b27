using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace PartnerWeb.Auth;

/// <summary>
/// The login and antiforgery cookies, applied after every other setup. Outside Development they are Secure
/// and named <c>__Host-…</c> (which browsers accept only from https, with Path=/ and no Domain, so a sibling
/// subdomain or a plain-http page cannot plant or overwrite them). Development runs on plain http, where
/// browsers drop such cookies: there they keep the plain names and are Secure only when the request is.
/// </summary>
public static class CookieHardening
{
    public const string HostPrefix = "__Host-";
    public const string AntiforgeryCookieName = "partnerweb.antiforgery";

    public static IServiceCollection AddPartnerWebCookieHardening(this IServiceCollection services)
    {
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Cookie).PostConfigure<IHostEnvironment>((o, env) =>
        {
            Harden(o.Cookie, env);
            RedirectToLoginWithoutHost(o.Events);
        });
        services.AddOptions<AntiforgeryOptions>().PostConfigure<IHostEnvironment>((o, env) =>
        {
            o.Cookie.Name = AntiforgeryCookieName;
            Harden(o.Cookie, env);
        });
        return services;
    }

    /// <summary>The login cookie's name as this app sets it (SelectScheme looks for it).</summary>
    public static string AuthCookieName(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AuthSchemes.Cookie).Cookie.Name!;

    private static void Harden(CookieBuilder cookie, IHostEnvironment env)
    {
        cookie.Path = "/";
        cookie.Domain = null;
        if (env.IsDevelopment())
        {
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            return;
        }
        cookie.SecurePolicy = CookieSecurePolicy.Always;
        if (!cookie.Name!.StartsWith(HostPrefix, StringComparison.Ordinal)) cookie.Name = HostPrefix + cookie.Name;
    }

    /// <summary>
    /// The cookie handler builds an absolute login URL from the request's scheme and Host header, which a
    /// client chooses; the browser needs only the path, so a forged Host never reaches a Location header.
    /// </summary>
    private static void RedirectToLoginWithoutHost(CookieAuthenticationEvents events)
    {
        var redirect = events.OnRedirectToLogin;
        events.OnRedirectToLogin = ctx =>
        {
            // (On Unix "/login" alone parses as an absolute file: URI, hence the scheme test.)
            if (Uri.TryCreate(ctx.RedirectUri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
                ctx.RedirectUri = absolute.PathAndQuery + absolute.Fragment;
            return redirect(ctx);
        };
    }
}
