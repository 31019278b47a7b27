using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;
using PartnerWeb.Jobs;

namespace PartnerWeb;

public static class PartnerWebHost
{
    public static WebApplicationBuilder AddPartnerWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ErrorHandling.MaxRequestBodyBytes);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>(),
            DatabaseSetup.Provider(sp) == DatabaseProvider.SqlServer ? IdOrder.SqlServer : IdOrder.Rfc));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<DemoSeeder>();
        services.AddPartnerWebFeatures();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddOptions<SeedOptions>().BindConfiguration("Seed");

        services.AddPartnerWebDatabase();
        builder.AddPartnerWebDataProtection();
        services.AddPartnerWebAuthentication();
        services.AddPartnerWebCookieHardening();
        services.AddAuthorizationBuilder().AddPartnerWebPolicies();
        services.AddPartnerWebForwardedHeaders();
        services.AddPartnerWebRateLimits();
        services.AddPartnerWebErrors();
        services.AddPartnerWebSecurityHeaders();
        services.AddPartnerWebJobs();
        services.AddHealthChecks().AddDbContextCheck<AppDbContext>();
        services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");

        services.AddControllersWithViews(o =>
            {
                o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
                o.Filters.Add(new RejectControlCharacters());
                o.ModelBinderProviders.Insert(0, new NamedEnumModelBinderProvider());
                // Validation error keys follow the JSON names (camelCase), as clients sent them.
                o.ModelMetadataDetailsProviders.Add(new Microsoft.AspNetCore.Mvc.ModelBinding.Metadata.SystemTextJsonValidationMetadataProvider());
            })
            .AddJsonOptions(o => ConfigureJson(o.JsonSerializerOptions));
        ValidationKeys.Use(services);
        // The OpenAPI document reads the HTTP JSON options, not MVC's: the same settings, so its schemas match the wire.
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddPartnerWebApiDocs();
        services.Configure<RazorViewEngineOptions>(o => o.ViewLocationExpanders.Add(new FeatureViewLocations()));
        return builder;
    }

    private static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // Money is a JSON integer; "100" as a string is refused, not guessed at.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        // A discriminator ("method" of payout preferences) may come anywhere in its object; a missing or unknown one is a 400.
        options.AllowOutOfOrderMetadataProperties = true;
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(Features.Partners.PayoutPreferences.RefuseUnknownMethods);
    }

    private static void AddPartnerWebAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthLifetimeOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PrincipalValidator>();
        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Bearer for the API, cookie for pages", o =>
                o.ForwardDefaultSelector = SelectScheme)
            .AddBearerToken(AuthSchemes.BearerToken)
            .AddScheme<AuthenticationSchemeOptions, CheckedBearerHandler>(AuthSchemes.Bearer, null)
            .AddCookie(AuthSchemes.Cookie, o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.Cookie.Name = AuthCookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = PrincipalValidator.ValidateCookieAsync,
                    // A refused page answers 403 in place, and the status code page says why (ErrorPages), for htmx too.
                    OnRedirectToAccessDenied = ctx =>
                    {
                        ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    },
                    // After signing in, back to the page the user was on (an expired session during a post included).
                    OnRedirectToLogin = LoginRedirect.ToLoginAsync,
                };
            });
        // Post-configured: the schemes' own set-up has made their ticket formats by then.
        services.AddOptions<Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenOptions>(AuthSchemes.BearerToken)
            .PostConfigure<IOptions<AuthLifetimeOptions>, TimeProvider>((o, lifetime, clock) =>
            {
                o.BearerTokenExpiration = lifetime.Value.TokenLifetime;
                o.BearerTokenProtector = new TicketLifetime(o.BearerTokenProtector, lifetime.Value.TokenLifetime, clock);
            });
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Cookie)
            .PostConfigure<IOptions<AuthLifetimeOptions>, TimeProvider>((o, lifetime, clock) =>
            {
                var max = lifetime.Value.CookieMaxLifetime;
                // Idle for eight hours ends the session sooner; activity never carries it past the maximum.
                o.ExpireTimeSpan = max < IdleCookieLifetime ? max : IdleCookieLifetime;
                o.TicketDataFormat = new TicketLifetime(o.TicketDataFormat, max, clock);
            });
    }

    private static readonly TimeSpan IdleCookieLifetime = TimeSpan.FromHours(8);

    private const string AuthCookieName = "partnerweb.auth";

    /// <summary>
    /// /api: bearer only. Pages: the cookie only. The OpenAPI document takes either: a bearer token when the
    /// request carries one (curl), else the login cookie when there is one (the reference page fetches it from
    /// the browser), else bearer, so an anonymous call gets 401 rather than a redirect to the login page.
    /// </summary>
    private static string SelectScheme(HttpContext http)
    {
        var request = http.Request;
        if (request.IsApi()) return AuthSchemes.Bearer;
        if (!request.IsApiDocument()) return AuthSchemes.Cookie;
        return request.Headers.Authorization.Count == 0 && request.Cookies.ContainsKey(CookieHardening.AuthCookieName(http))
            ? AuthSchemes.Cookie
            : AuthSchemes.Bearer;
    }

    public static WebApplication UsePartnerWeb(this WebApplication app)
    {
        app.EnforceProductionGuard();
        // The database first: Hangfire's PostgreSQL storage prepares its schema as soon as it is
        // created (by the dashboard's mapping, or here by the recurring jobs), and on a database that
        // does not exist yet it backs off and retries for about half a minute before it gives up.
        InitializeAsync(app.Services).GetAwaiter().GetResult();

        app.UseForwardedHeaders();
        app.UsePartnerWebSecurityHeaders();
        app.UsePartnerWebErrors();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapControllers();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapPartnerWebHangfire();
        app.MapPartnerWebApiDocs();
        return app;
    }

    /// <summary>Runs before the first request: schema, demo data, recurring jobs.</summary>
    private static async Task InitializeAsync(IServiceProvider services)
    {
        await DatabaseSetup.MigrateAsync(services);
        if (services.GetRequiredService<IOptions<SeedOptions>>().Value.Demo)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
        }
        RecurringJobs.Register(services);
    }
}
