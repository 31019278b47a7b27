using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using PartnerWeb.Features.Billing;
using Scalar.AspNetCore;

namespace PartnerWeb.Infrastructure.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the curl API (<c>/openapi/v1.json</c>, generated from the real endpoints)
/// and its browsable reference (<c>/docs/api</c>, Scalar). Both are for signed-in users: the reference
/// page by the login cookie, the document by the cookie (the page fetches it) or a bearer token (curl).
/// </summary>
public static class ApiDocs
{
    public const string DocumentName = "v1";
    public const string DocumentRoute = "/openapi/{documentName}.json";
    public const string ReferencePath = "/docs/api";

    public static bool IsApiDocument(this HttpRequest request) => request.Path.StartsWithSegments("/openapi");

    public static IServiceCollection AddPartnerWebApiDocs(this IServiceCollection services)
    {
        services.Configure<MvcOptions>(o => o.Conventions.Add(new ApiResponseConvention()));
        services.AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            // The curl API only: pages, /login, dashboards, /hangfire and /healthz are not part of it.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer(ApiDocumentTransformers.DescribeApiAsync);
            o.AddDocumentTransformer(ApiSchemaFixes.ApplyAsync);
            o.AddDocumentTransformer(ApiJsonValueSchemas.ApplyAsync);
            o.AddOperationTransformer(ApiDocumentTransformers.DescribeOperationAsync);
            o.AddOperationTransformer(StripeWebhookOpenApi.DescribeAsync);
            o.AddSchemaTransformer(ApiDocumentTransformers.EnumsAndMoneyAsync);
            o.AddSchemaTransformer(ApiSchemaFixes.RequiredIsNotNullAsync);
            o.AddSchemaTransformer(ApiJsonValueSchemas.PayoutMethodFieldsAsync);
        });
        return services;
    }

    public static WebApplication MapPartnerWebApiDocs(this WebApplication app)
    {
        // No [AllowAnonymous]: the fallback policy applies, and RequireAuthorization says so here too.
        app.MapOpenApi(DocumentRoute).RequireAuthorization();
        app.MapScalarApiReference(ReferencePath, o => o
                .WithTitle("PartnerWeb API reference")
                .WithOpenApiRoutePattern(DocumentRoute)
                .AddDocument(DocumentName, "PartnerWeb API")
                .AddPreferredSecuritySchemes(ApiDocumentTransformers.BearerScheme)
                .HideDeveloperTools()
                // A fresh nonce on its bootstrap scripts per answer: the page's Content-Security-Policy allows only those (SecurityHeaders).
                .WithNonce()
                // Nothing leaves the browser for Scalar's services: no CDN fonts, no telemetry, no AI agent, no MCP.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .RequireAuthorization();
        return app;
    }
}
