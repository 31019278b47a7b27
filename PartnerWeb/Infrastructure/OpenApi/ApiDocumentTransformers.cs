using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PartnerWeb.Infrastructure.OpenApi;

/// <summary>What the generated document cannot know by itself: the bearer scheme, string enums, money, decimal rates.</summary>
public static class ApiDocumentTransformers
{
    public const string BearerScheme = "Bearer";
    public const string MinorUnits = "minor units (e.g. cents) of the currency";

    private const string Overview = """
        The curl API of PartnerWeb. Get a token with `POST /api/auth/token` and send it as
        `Authorization: Bearer <accessToken>` on every other call (the Stripe webhook excepted).

        JSON is camelCase; enum values are lowercase strings; ids are GUID strings; timestamps are ISO 8601 UTC.
        Money is an integer count of minor units (e.g. cents) with an ISO 4217 `currency`. Rates (`commissionValue`,
        `marginPercent`) are JSON numbers with at most two decimals.
        Errors are RFC 7807 problem details (`application/problem+json`); a 400 carries `errors: { field: [messages] }`,
        keyed by the camelCase field or query parameter name (`payoutPreferences.iban`, `limit`; `""` for the body as a whole).
        A body that is not JSON (`application/json`) answers 415, one over 1 MiB 413. A method a path does not list
        answers 405 with an `Allow` header naming the methods it has (after the bearer check: 401 without a token).
        Lists answer `{ items, hasMore, nextCursor }` and take `limit` (1–200, default 50) and `cursor`.
        """;

    /// <summary>The controllers' tags in the order a reader meets them, with what each covers.</summary>
    private static readonly (string Name, string Description)[] TagOrder =
    [
        ("Auth", "Bearer tokens and the signed-in user."),
        ("Marketplace", "Items and installs; an install opens an invoice for the item's price."),
        ("Billing", "Invoices, manual payment approval and the Stripe webhook."),
        ("Partners", "Partner accounts, listings, earnings and payouts."),
        ("Resellers", "Reseller accounts, their child tenants and commissions."),
        ("Audit", "The audit log, read-only."),
        ("Users", "A tenant's users: add, change the role of, remove."),
        ("Admin", "Operator tools: background tasks that failed for good, and their retry."),
    ];

    public static Task DescribeApiAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo { Title = "PartnerWeb API", Version = ApiDocs.DocumentName, Description = Overview };
        if (document.Tags is { Count: > 0 } tags)
        {
            var order = TagOrder.Select(t => t.Name).ToList();
            foreach (var tag in tags) tag.Description ??= TagOrder.FirstOrDefault(t => t.Name == tag.Name).Description;
            document.Tags = new HashSet<OpenApiTag>(tags.OrderBy(t => order.IndexOf(t.Name ?? "") is var i and >= 0 ? i : int.MaxValue));
        }
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The accessToken of POST /api/auth/token.",
        };
        return Task.CompletedTask;
    }

    /// <summary>
    /// The bearer requirement on every operation that is not anonymous; JSON only (the API reads and writes
    /// application/json; errors are application/problem+json); query names as clients write them (binding
    /// ignores case); Retry-After on 429; responses in status order.
    /// </summary>
    public static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Security ??= [];
        // An anonymous operation says so with the empty requirement ({}): without any, linters cannot tell it from one that forgot its scheme.
        operation.Security.Add(context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()
            ? new OpenApiSecurityRequirement()
            : new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter is { In: ParameterLocation.Query, Name: { } name }) parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(name);
        }
        if (operation.RequestBody is OpenApiRequestBody { Content: { } requestContent } body)
            body.Content = JsonOnly(requestContent, Json);
        if (operation.Responses is { } responses)
        {
            var sorted = new OpenApiResponses();
            foreach (var (status, value) in responses.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (value is OpenApiResponse { Content: { } content } response && status.StartsWith('2'))
                    response.Content = JsonOnly(content, Json);
                if (status == "429" && value is OpenApiResponse tooMany)
                {
                    tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    tooMany.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    };
                }
                sorted[status] = value;
            }
            operation.Responses = sorted;
        }
        return Task.CompletedTask;
    }

    private const string Json = "application/json";

    private static Dictionary<string, OpenApiMediaType> JsonOnly(IDictionary<string, OpenApiMediaType> content, string mediaType) =>
        content.TryGetValue(mediaType, out var json) ? new() { [mediaType] = json } : new(content);

    /// <summary>
    /// Enums are written by JsonStringEnumConverter (snake_case, lowercase): say they are strings. Money is a
    /// <c>long</c> of minor units: say so on every such property (amount, *Amount, price, total, partnerNet …).
    /// </summary>
    public static Task EnumsAndMoneyAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (enumType.IsEnum && schema.Enum is { Count: > 0 })
        {
            schema.Type = JsonSchemaType.String | (schema.Enum.Any(v => v is null) ? JsonSchemaType.Null : 0);
        }
        if (context.JsonPropertyInfo is { } property && IsMoney(property.Name, property.PropertyType))
        {
            schema.Description = MinorUnits;
        }
        if (context.JsonPropertyInfo is { } rate && (Nullable.GetUnderlyingType(rate.PropertyType) ?? rate.PropertyType) == typeof(decimal))
            DecimalRate(schema, rate.Name);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Every decimal of the API is a rate (commissionValue, marginPercent): 0 or more, at most two decimals, and a
    /// percent at most 100; the server refuses anything else with a 400. The generator calls a C# decimal a
    /// <c>double</c>; it is a JSON number with <c>multipleOf: 0.01</c>, so clients keep sending numbers (docs/api.md).
    /// </summary>
    private static void DecimalRate(OpenApiSchema schema, string jsonName)
    {
        schema.Format = "decimal";
        schema.MultipleOf = 0.01m;
        schema.Minimum = "0";
        if (jsonName.EndsWith("Percent", StringComparison.Ordinal)) schema.Maximum = "100";
    }

    /// <summary>A money field: a <c>long</c> named like an amount, a price, a total or a net.</summary>
    public static bool IsMoney(string jsonName, Type type)
    {
        if ((Nullable.GetUnderlyingType(type) ?? type) != typeof(long)) return false;
        var name = jsonName.Replace("_", "").ToLowerInvariant();
        return name.Contains("amount") || name.EndsWith("price") || name.EndsWith("total") || name.EndsWith("net")
            || name is "balance" or "payablenow" or "minimumpayout" or "missingforpayout";
    }
}
