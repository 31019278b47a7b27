using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// Every endpoint the app maps, checked for the rules a new endpoint could forget: an explicit
/// authorization rule on the API, the partner write limit on spec §8's ★ routes, and antiforgery on
/// every page post. A new endpoint that forgets one fails here.
/// </summary>
public sealed class EndpointInventoryTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private static readonly string[] AnonymousApi = ["POST api/auth/token", "POST api/billing/stripe/webhook", "POST api/billing/stripe/connect-webhook"];

    private static readonly string[] PartnerWrites =
    [
        "POST api/partners/apply",
        "POST api/partners/{partnerId:guid}/listings",
        "POST api/partners/{partnerId:guid}/payouts/generate",
        "POST api/partners/{partnerId:guid}/stripe/onboarding",
        "PATCH api/partners/{id:guid}",
        "PUT api/partners/{partnerId:guid}/payout-preferences",
    ];

    private IReadOnlyList<(string Route, Endpoint Endpoint)> Endpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => ($"{m} {e.RoutePattern.RawText?.TrimStart('/')}", (Endpoint)e)))
            .ToList();

    [Fact]
    public void Every_api_endpoint_names_an_authorization_rule_and_only_the_token_and_webhooks_are_anonymous()
    {
        var api = Endpoints().Where(e => e.Route.Split(' ')[1].StartsWith("api/", StringComparison.Ordinal)).ToList();
        Assert.True(api.Count >= 30, $"only {api.Count} API endpoints found");
        foreach (var (route, endpoint) in api)
        {
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            Assert.True(anonymous == AnonymousApi.Contains(route), $"{route}: anonymous={anonymous}");
            if (!anonymous)
                Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(), $"{route} has no explicit authorization rule");
        }
        ReliabilityFigures.Record("Endpoint inventory", $"{api.Count} API endpoints: {api.Count - AnonymousApi.Length} with an explicit authorization rule, {AnonymousApi.Length} anonymous by design (token, Stripe webhook, Stripe Connect webhook)");
    }

    [Fact]
    public void Partner_write_endpoints_carry_the_partner_rate_limit()
    {
        var limited = Endpoints()
            .Where(e => e.Endpoint.Metadata.GetMetadata<PartnerWriteLimitAttribute>() is not null)
            .Select(e => e.Route)
            .ToList();
        Assert.All(PartnerWrites, route => Assert.Contains(route, limited));
        // The partner dashboard's equivalents are limited too, so the page is no way around the limit. The
        // operator's pages are not: that limit is for partners, and a month-end payout run is many clicks.
        Assert.Contains("POST dashboard/partners/apply", limited);
        Assert.Contains("POST dashboard/partners/listings", limited);
        Assert.Contains("POST dashboard/partners/profile", limited);
        Assert.Contains("POST dashboard/partners/stripe/onboarding", limited);
        Assert.DoesNotContain(limited, route => route.Contains(" dashboard/admin/", StringComparison.Ordinal));
        ReliabilityFigures.Record("Endpoint inventory", $"{limited.Count} endpoints under the per tenant+user partner write limit, the 3 ★ API routes of spec §8 and the Stripe onboarding among them");
    }

    [Fact]
    public void Every_page_post_validates_antiforgery_and_every_api_controller_is_bearer_only()
    {
        var mvc = factory.Services.GetRequiredService<IOptions<MvcOptions>>().Value;
        Assert.Contains(mvc.Filters, f => f is AutoValidateAntiforgeryTokenAttribute);

        var unsafeMethods = new[] { "POST", "PUT", "PATCH", "DELETE" };
        var pagePosts = Endpoints()
            .Where(e => unsafeMethods.Contains(e.Route.Split(' ')[0]) && !e.Route.Split(' ')[1].StartsWith("api/", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(pagePosts);
        foreach (var (route, endpoint) in pagePosts)
        {
            var action = endpoint.Metadata.GetMetadata<ControllerActionDescriptor>();
            Assert.True(action is not null, $"{route} is not an MVC action, so the global antiforgery filter would not cover it");
            var policy = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Mvc.ViewFeatures.IAntiforgeryPolicy>().LastOrDefault();
            Assert.False(policy is IgnoreAntiforgeryTokenAttribute, $"{route} ignores antiforgery");
            Assert.False(typeof(ApiControllerBase).IsAssignableFrom(action!.ControllerTypeInfo), $"{route} is a page route on an API controller");
        }

        // API controllers ignore antiforgery because /api authenticates by bearer token only.
        foreach (var (route, endpoint) in Endpoints().Where(e => e.Route.Split(' ')[1].StartsWith("api/", StringComparison.Ordinal)))
        {
            var action = endpoint.Metadata.GetMetadata<ControllerActionDescriptor>();
            Assert.True(action is not null && typeof(ApiControllerBase).IsAssignableFrom(action.ControllerTypeInfo), $"{route} is not on an ApiControllerBase");
        }
        ReliabilityFigures.Record("Endpoint inventory", $"{pagePosts.Count} page POST handlers, all under the global antiforgery filter, none ignoring it");
    }
}
