using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Infrastructure.OpenApi;

/// <summary>
/// Values a DTO carries as raw JSON (<c>JsonElement</c>: stored JSON passed through as it is) have no schema of
/// their own: the generator writes <c>{}</c>, which NSwag turns into a class named <c>JsonElement</c> that clashes
/// with System.Text.Json's. Here each says what it holds: the stored payout preferences are the request's
/// <see cref="PayoutPreferences"/> union, and the audit event's data is an object with free keys (each action
/// writes its own). Discriminated unions are exactly one of their branches (<c>oneOf</c>), and a payout method's
/// fields are required and non-null, as <see cref="PayoutPreferences.Normalize"/> refuses them missing or null.
/// </summary>
public static class ApiJsonValueSchemas
{
    private const string JsonElementComponent = "JsonElement";

    /// <summary>The raw-JSON properties whose content is a known component; any other becomes a free-form object.</summary>
    private static readonly (string Component, string Property, string Schema)[] Known =
    [
        (nameof(PartnerDto), "payoutPreferences", nameof(PayoutPreferences)),
        (nameof(PayoutDto), "payoutDetails", nameof(PayoutPreferences)),
    ];

    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        if (document.Components?.Schemas is not { } schemas) return Task.CompletedTask;
        foreach (var (name, component) in schemas)
        {
            if (component is not OpenApiSchema concrete) continue;
            if (concrete is { Discriminator: not null, AnyOf: { Count: > 0 } branches })
            {
                concrete.OneOf = branches;
                concrete.AnyOf = null;
            }
            foreach (var (property, value) in concrete.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (value is not OpenApiSchemaReference { Reference.Id: JsonElementComponent }) continue;
                var known = Known.FirstOrDefault(k => k.Component == name && k.Property == property).Schema;
                concrete.Properties![property] = known is not null ? new OpenApiSchemaReference(known, document) : FreeFormObject();
            }
        }
        schemas.Remove(JsonElementComponent);
        return Task.CompletedTask;
    }

    /// <summary>Each payout method's schema requires the method and every field of it, none of them null.</summary>
    public static Task PayoutMethodFieldsAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (context.JsonPropertyInfo is not null || type == typeof(PayoutPreferences) || !typeof(PayoutPreferences).IsAssignableFrom(type))
            return Task.CompletedTask;
        schema.Type = JsonSchemaType.Object;
        schema.Required = new HashSet<string>(schema.Properties?.Keys ?? []);
        foreach (var property in schema.Properties?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (property.Type is { } fieldType) property.Type = fieldType & ~JsonSchemaType.Null;
        }
        return Task.CompletedTask;
    }

    private static OpenApiSchema FreeFormObject() => new()
    {
        Type = JsonSchemaType.Object,
        // The writer cannot say `additionalProperties: true`; a described schema that admits any value says the same.
        AdditionalProperties = new OpenApiSchema { Description = "Any JSON value." },
        Description = "An object whose keys depend on the event's action.",
    };
}
