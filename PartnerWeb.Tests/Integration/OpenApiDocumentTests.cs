using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// The OpenAPI document against the app's real endpoints: every /api route and method is documented and
/// nothing else is, each operation documents exactly the status codes its endpoint declares, and the
/// document tells the truth about auth, enums and money.
/// </summary>
public sealed partial class OpenApiDocumentTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private const string MinorUnits = "minor units (e.g. cents) of the currency";

    /// <summary>Money fields the spec names, each of which must appear in the document at least once.</summary>
    private static readonly string[] MoneyFields =
    [
        "price", "total", "amount", "unitAmount", "grossAmount", "commissionAmount", "partnerNet", "invoiceTotal",
        "amount_paid", "amount_total", "amount_received", "refundedAmount", "disputedAmount", "outstandingAmount", "reversedAmount", "balance", "payableNow", "minimumPayout", "missingForPayout",
    ];

    /// <summary>int64 fields that are not money. A new long field must be money or be added here on purpose.</summary>
    private static readonly string[] NonMoneyInt64 = ["expiresIn", "created"];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private sealed record ApiEndpoint(string Method, string Path, IReadOnlySet<int> Statuses, bool Anonymous, string? Name);

    /// <summary>The app, for the other parts of this class (a primary constructor parameter is seen by its own part only).</summary>
    private PartnerWebFactory Factory => factory;

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = await factory.ClientAsAsync(Demo.GlobexStaff);
        var response = await client.GetAsync("/openapi/v1.json");
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The /api endpoints as routing knows them, in the document's path syntax (no constraints).</summary>
    private async Task<List<ApiEndpoint>> EndpointsAsync()
    {
        await DocumentAsync(); // the app is built and its endpoints exist
        var source = factory.Services.GetRequiredService<EndpointDataSource>();
        var endpoints = new List<ApiEndpoint>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var path = DocumentPath(endpoint.RoutePattern);
            if (!path.StartsWith("/api/", StringComparison.Ordinal)) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.True(methods.Count > 0, $"{path} answers every method; an API endpoint must name its methods");
            // What the endpoint declares: MVC's ProducesResponseType attributes (declared on the action or added by
            // the app's convention) and any minimal-API style IProducesResponseTypeMetadata.
            var statuses = endpoint.Metadata.OfType<IApiResponseMetadataProvider>().Select(m => m.StatusCode)
                .Concat(endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode))
                .ToHashSet();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            endpoints.AddRange(methods.Select(m => new ApiEndpoint(m.ToLowerInvariant(), path, statuses, anonymous, name)));
        }
        Assert.NotEmpty(endpoints);
        return endpoints;
    }

    private static string DocumentPath(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => throw new InvalidOperationException($"Unexpected route part {part}"),
        }))));

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => Methods.Contains(m.Name))
            .Select(m => (m.Name, path.Name, m.Value)));

    [Fact]
    public async Task The_document_is_OpenAPI_3_1()
    {
        var document = await DocumentAsync();
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());
        Assert.Equal("PartnerWeb API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Every_api_endpoint_is_documented_and_nothing_else_is()
    {
        var document = await DocumentAsync();
        var endpoints = (await EndpointsAsync()).Select(e => $"{e.Method.ToUpperInvariant()} {e.Path}").ToHashSet();
        var documented = Operations(document).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToHashSet();

        var missing = endpoints.Except(documented).Order().ToList();
        var extra = documented.Except(endpoints).Order().ToList();
        Assert.True(missing.Count == 0, "Endpoints missing from /openapi/v1.json:\n" + string.Join("\n", missing));
        Assert.True(extra.Count == 0, "Documented operations that are no /api endpoint:\n" + string.Join("\n", extra));

        // Only the curl API: no pages, no health check, no dashboards.
        Assert.All(document.GetProperty("paths").EnumerateObject(), p => Assert.StartsWith("/api/", p.Name));
        // Spec §8 routes, as a floor the enumeration above cannot shrink below.
        Assert.Contains("POST /api/partners/{partnerId}/payouts/{payoutId}/mark-paid", documented);
        Assert.Contains("GET /api/partners/my/earnings", documented);
        Assert.Contains("POST /api/billing/stripe/webhook", documented);
        Assert.Contains("POST /api/billing/stripe/connect-webhook", documented);
        Assert.Contains("POST /api/partners/{partnerId}/stripe/onboarding", documented);
        Assert.Contains("GET /api/partners/{partnerId}/stripe", documented);
    }

    [Fact]
    public async Task Documented_status_codes_are_exactly_those_the_endpoints_declare()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);
        var drift = new List<string>();
        foreach (var endpoint in await EndpointsAsync())
        {
            Assert.True(endpoint.Statuses.Any(s => s is >= 200 and < 300), $"{endpoint.Method} {endpoint.Path} declares no success status: [{string.Join(",", endpoint.Statuses.Order())}]");
            if (!operations.TryGetValue($"{endpoint.Method} {endpoint.Path}", out var operation)) continue; // reported by the test above
            var documented = operation.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name)).ToHashSet();
            if (!documented.SetEquals(endpoint.Statuses))
                drift.Add($"{endpoint.Method.ToUpperInvariant()} {endpoint.Path}: declared [{string.Join(",", endpoint.Statuses.Order())}], documented [{string.Join(",", documented.Order())}]");
        }
        Assert.True(drift.Count == 0, "Status codes drifted:\n" + string.Join("\n", drift));
    }

    /// <summary>The declarations themselves, for a few operations that show each rule of the convention.</summary>
    [Theory]
    [InlineData("post", "/api/auth/token", new[] { 200, 400, 401, 413, 415, 429, 503 })]
    [InlineData("get", "/api/auth/me", new[] { 200, 401 })]
    [InlineData("post", "/api/auth/password", new[] { 200, 400, 401, 404, 413, 415, 429, 503 })]
    [InlineData("get", "/api/tenants/me/users", new[] { 200, 400, 401, 403 })]
    [InlineData("post", "/api/tenants/me/users", new[] { 201, 400, 401, 403, 409, 413, 415 })]
    [InlineData("patch", "/api/tenants/me/users/{id}", new[] { 200, 400, 401, 403, 404, 409, 413, 415 })]
    [InlineData("delete", "/api/tenants/me/users/{id}", new[] { 204, 401, 403, 404, 409 })]
    [InlineData("post", "/api/tenants/{tenantId}/users", new[] { 201, 400, 401, 403, 404, 409, 413, 415 })]
    [InlineData("delete", "/api/tenants/{tenantId}/users/{id}", new[] { 204, 401, 403, 404, 409 })]
    [InlineData("post", "/api/billing/stripe/webhook", new[] { 200, 400, 413, 503 })]
    [InlineData("post", "/api/billing/stripe/connect-webhook", new[] { 200, 400, 413, 503 })]
    [InlineData("get", "/api/billing/invoices/{id}", new[] { 200, 401, 404 })]
    [InlineData("post", "/api/billing/invoices/{id}/mark-paid", new[] { 200, 400, 401, 403, 404, 409, 413, 415 })]
    [InlineData("post", "/api/marketplace/items", new[] { 201, 400, 401, 403, 413, 415 })]
    [InlineData("post", "/api/partners/apply", new[] { 201, 400, 401, 403, 409, 413, 415, 429 })]
    [InlineData("get", "/api/partners/me", new[] { 200, 401, 403, 404 })]
    [InlineData("post", "/api/partners/{partnerId}/reject", new[] { 200, 400, 401, 403, 404, 409, 413, 415 })]
    [InlineData("get", "/api/partners", new[] { 200, 400, 401, 403 })]
    [InlineData("post", "/api/partners/{partnerId}/payouts/generate", new[] { 200, 201, 401, 403, 404, 409, 429 })]
    [InlineData("patch", "/api/partners/{partnerId}/listings/{listingId}", new[] { 200, 400, 401, 403, 404, 413, 415 })]
    [InlineData("patch", "/api/partners/{id}", new[] { 200, 400, 401, 403, 404, 413, 415, 429 })]
    [InlineData("put", "/api/partners/{partnerId}/payout-preferences", new[] { 200, 400, 401, 403, 404, 413, 415, 429 })]
    [InlineData("post", "/api/partners/{partnerId}/stripe/onboarding", new[] { 200, 401, 403, 404, 409, 429, 502, 503 })]
    [InlineData("get", "/api/partners/{partnerId}/stripe", new[] { 200, 401, 403, 404 })]
    [InlineData("post", "/api/resellers", new[] { 201, 400, 401, 403, 404, 409, 413, 415 })]
    public async Task Operations_document_the_answers_the_spec_gives(string method, string path, int[] statuses)
    {
        var document = await DocumentAsync();
        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
        Assert.Equal(statuses, responses.EnumerateObject().Select(r => int.Parse(r.Name)).Order());
    }

    /// <summary>Payout preferences are one schema per method, told apart by <c>method</c>, each closed to other keys.</summary>
    [Fact]
    public async Task Payout_preferences_are_documented_per_method_with_the_method_as_discriminator()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var request in new[] { "ApplyRequest", "UpdatePartnerRequest" })
            Assert.Contains("\"#/components/schemas/PayoutPreferences\"", schemas.GetProperty(request).GetProperty("properties").GetProperty("payoutPreferences").GetRawText());
        var discriminator = schemas.GetProperty("PayoutPreferences").GetProperty("discriminator");
        Assert.Equal("method", discriminator.GetProperty("propertyName").GetString());
        var mapping = discriminator.GetProperty("mapping").EnumerateObject().ToDictionary(m => m.Name, m => schemas.GetProperty(m.Value.GetString()!.Split('/')[^1]));
        Assert.Equal(["bank_transfer", "paypal", "stripe_connect"], mapping.Keys.Order());
        // Each method's component extends the union with its own fields; the union is one closed schema per method.
        static IEnumerable<string> Fields(JsonElement method) => method.GetProperty("allOf")[1].GetProperty("properties").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["accountHolder", "iban"], Fields(mapping["bank_transfer"]));
        Assert.Equal(["email"], Fields(mapping["paypal"]));
        Assert.All(schemas.GetProperty("PayoutPreferences").GetProperty("dependentSchemas").GetProperty("method").GetProperty("oneOf").EnumerateArray(),
            m => Assert.False(m.GetProperty("additionalProperties").GetBoolean()));
    }

    [Fact]
    public async Task Errors_are_problem_details_and_successes_have_a_json_schema()
    {
        var document = await DocumentAsync();
        foreach (var (method, path, operation) in Operations(document))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                var where = $"{method.ToUpperInvariant()} {path} {response.Name}";
                // A removal answers 204 No Content: nothing to describe.
                if (response.Name == "204")
                {
                    Assert.False(response.Value.TryGetProperty("content", out _), $"{where}: a 204 has no body");
                    continue;
                }
                var content = response.Value.GetProperty("content");
                if (response.Name.StartsWith('2'))
                {
                    // Statements are CSV files; every other success is JSON.
                    if (path.EndsWith(".csv", StringComparison.Ordinal))
                    {
                        Assert.True(content.TryGetProperty("text/csv", out _), $"{where}: no text/csv");
                        continue;
                    }
                    Assert.True(content.TryGetProperty("application/json", out var json), $"{where}: no application/json");
                    Assert.True(json.TryGetProperty("schema", out _), $"{where}: no schema");
                    continue;
                }
                // A 400 is a validation problem, except the webhooks' (a refused signature).
                var expected = response.Name == "400" && path is not ("/api/billing/stripe/webhook" or "/api/billing/stripe/connect-webhook")
                    ? "#/components/schemas/ValidationProblemDetails"
                    : "#/components/schemas/ProblemDetails";
                var schema = content.GetProperty("application/problem+json").GetProperty("schema");
                Assert.True(expected == schema.GetProperty("$ref").GetString(), $"{where}: expected {expected}");
            }
        }
        var tooMany = document.GetProperty("paths").GetProperty("/api/partners/apply").GetProperty("post").GetProperty("responses").GetProperty("429");
        Assert.True(tooMany.GetProperty("headers").TryGetProperty("Retry-After", out _));
    }

    [Fact]
    public async Task The_bearer_scheme_guards_every_operation_but_the_token_and_the_webhooks()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var operations = Operations(document).ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);
        var anonymous = new List<string>();
        foreach (var endpoint in await EndpointsAsync())
        {
            if (!operations.TryGetValue($"{endpoint.Method} {endpoint.Path}", out var operation)) continue; // reported above
            var schemes = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList()
                : [];
            if (endpoint.Anonymous)
            {
                Assert.True(schemes.Count == 0, $"{endpoint.Method} {endpoint.Path} is anonymous but documented as secured");
                anonymous.Add($"{endpoint.Method.ToUpperInvariant()} {endpoint.Path}");
            }
            else
            {
                Assert.True(schemes.SequenceEqual(["Bearer"]), $"{endpoint.Method} {endpoint.Path} is secured but its security is [{string.Join(",", schemes)}]");
            }
        }
        Assert.Equal(["POST /api/auth/token", "POST /api/billing/stripe/connect-webhook", "POST /api/billing/stripe/webhook"], anonymous.Order());
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex LowercaseValue();

    [Fact]
    public async Task Enums_are_lowercase_strings()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");
        var enums = schemas.EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)).ToList();
        Assert.NotEmpty(enums);
        foreach (var schema in enums)
        {
            var types = schema.Value.GetProperty("type") is { ValueKind: JsonValueKind.Array } array
                ? array.EnumerateArray().Select(t => t.GetString()).ToList()
                : [schema.Value.GetProperty("type").GetString()];
            Assert.True(types.Contains("string") && types.All(t => t is "string" or "null"), $"{schema.Name} is typed [{string.Join(",", types)}]");
            foreach (var value in schema.Value.GetProperty("enum").EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null))
            {
                Assert.Equal(JsonValueKind.String, value.ValueKind);
                Assert.Matches(LowercaseValue(), value.GetString()!);
            }
        }
        string[] Values(string name) => schemas.GetProperty(name).GetProperty("enum").EnumerateArray()
            .Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray();
        Assert.Equal(["pending", "approved", "suspended", "rejected"], Values("PartnerStatus"));
        Assert.Equal(["owed", "approved", "paid", "processing", "failed", "reversed"], Values("PayoutStatus"));
        Assert.Equal(["percent", "fixed"], Values("CommissionType"));
        Assert.Equal(["active", "paused"], Values("ListingStatus"));
        Assert.Equal(["open", "paid", "void", "partially_refunded", "refunded"], Values("InvoiceStatus"));
        Assert.Equal(["template", "addon", "service"], Values("ItemType"));
        Assert.Equal(["owner", "admin", "staff"], Values("UserRole"));
    }

    [Fact]
    public async Task Money_fields_are_int64_minor_units()
    {
        var document = await DocumentAsync();
        var properties = new List<(string Where, string Name, JsonElement Schema)>();
        CollectProperties(document, "#", properties);

        foreach (var field in MoneyFields)
            Assert.True(properties.Any(p => p.Name == field), $"no money field {field} in the document");
        foreach (var (where, name, schema) in properties.Where(p => MoneyFields.Contains(p.Name)))
        {
            Assert.True(IsInteger(schema), $"{where}: {name} is not an integer");
            Assert.True(schema.TryGetProperty("format", out var format) && format.GetString() == "int64", $"{where}: {name} is not int64");
            Assert.True(schema.TryGetProperty("description", out var description) && description.GetString() == MinorUnits,
                $"{where}: {name} does not say it is minor units");
        }
        var otherLongs = properties
            .Where(p => p.Schema.TryGetProperty("format", out var f) && f.GetString() == "int64")
            .Where(p => !MoneyFields.Contains(p.Name) && !NonMoneyInt64.Contains(p.Name))
            .Select(p => $"{p.Where}.{p.Name}").ToList();
        Assert.True(otherLongs.Count == 0, "int64 fields neither money nor known: " + string.Join(", ", otherLongs));
    }

    private static bool IsInteger(JsonElement schema) => schema.GetProperty("type") switch
    {
        { ValueKind: JsonValueKind.String } t => t.GetString() == "integer",
        var t => t.EnumerateArray().Select(x => x.GetString()).Contains("integer"),
    };

    /// <summary>Every property of every schema, in components and inline in operations.</summary>
    private static void CollectProperties(JsonElement node, string where, List<(string, string, JsonElement)> found)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var child in node.EnumerateObject())
                {
                    if (child.Name == "properties" && child.Value.ValueKind == JsonValueKind.Object)
                        foreach (var property in child.Value.EnumerateObject())
                            found.Add((where, property.Name, property.Value));
                    CollectProperties(child.Value, $"{where}/{child.Name}", found);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray()) CollectProperties(item, where, found);
                break;
        }
    }
}
