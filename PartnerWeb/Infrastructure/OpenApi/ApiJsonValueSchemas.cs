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
/// writes its own). A payout method's fields are required and non-null, as <see cref="PayoutPreferences.Normalize"/>
/// refuses them missing or null, and the union of the methods is exactly one of them.
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
        foreach (var (name, component) in schemas.ToList()) // variants are replaced on the way
        {
            if (component is not OpenApiSchema concrete) continue;
            if (concrete is { Discriminator.PropertyName: { } discriminator, AnyOf: { Count: > 0 } variants })
                DiscriminatedUnion(document, name, concrete, discriminator, variants);
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

    /// <summary>
    /// A discriminated union (the generator writes <c>anyOf</c> of the variants) in the shape both validators and
    /// NSwag understand. The union requires the discriminator, maps each value to its variant's component, and is
    /// exactly one of the variants, each closed (its method, its fields, nothing else):
    /// <c>dependentSchemas: {method: {oneOf: [...]}}</c>, which applies whenever the required method is there. Each
    /// variant's component extends the union (<c>allOf: [{$ref: union}, {its fields}]</c>): the inheritance from
    /// which NSwag generates a base class and one subclass per method. NSwag 14 reads no <c>oneOf</c> union: on the
    /// component it typed every use as a class it never declared, inside its <c>allOf</c> it made the first
    /// variant's fields the base class of all.
    /// </summary>
    private static void DiscriminatedUnion(OpenApiDocument document, string name, OpenApiSchema union, string discriminator, IList<IOpenApiSchema> variants)
    {
        var branches = new List<IOpenApiSchema>();
        foreach (var variant in variants.OfType<OpenApiSchemaReference>())
        {
            if (variant.Reference.Id is not { } id || document.Components!.Schemas![id] is not OpenApiSchema shape) continue;
            var properties = shape.Properties ?? new Dictionary<string, IOpenApiSchema>();
            branches.Add(new OpenApiSchema { Properties = properties, Required = shape.Required, AdditionalPropertiesAllowed = false });
            document.Components.Schemas[id] = new OpenApiSchema
            {
                AllOf =
                [
                    new OpenApiSchemaReference(name, document),
                    new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = properties.Where(p => p.Key != discriminator).ToDictionary(),
                        Required = new HashSet<string>(shape.Required?.Where(r => r != discriminator) ?? []),
                    },
                ],
            };
        }
        union.AnyOf = null;
        union.Type = JsonSchemaType.Object;
        union.Required = new HashSet<string> { discriminator };
        // The discriminator is declared by the variants only: NSwag writes it from the mapping, and a property here too made it send the key twice.
        union.Properties = null;
        // Where NSwag does not look: a oneOf it sees (on the union, or inside its allOf) becomes a base class of one
        // variant's fields or a type it never declares. The method is required, so this always applies.
        union.DependentSchemas = new Dictionary<string, IOpenApiSchema> { [discriminator] = new OpenApiSchema { OneOf = branches } };
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
