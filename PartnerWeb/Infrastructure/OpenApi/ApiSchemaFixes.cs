using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PartnerWeb.Infrastructure.OpenApi;

/// <summary>
/// What generated clients and validators need that the generator does not write: nullability said once (by
/// the property, never by a shared component; not at all for a required field), integer bounds an int64 can
/// hold, and server URLs that paths append to. Most need the finished document (a component and its uses).
/// </summary>
public static class ApiSchemaFixes
{
    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        foreach (var component in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
            EnumWithoutNull(component);
        foreach (var schema in AllSchemas(document))
        {
            NullableOnce(schema);
            WithinInt64(schema);
        }
        foreach (var operation in document.Paths?.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []) ?? [])
            OptionalBodyIsNotNullable(operation);
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/'); // paths start with '/': "https://host/" + "/api" would be "//api"
        return Task.CompletedTask;
    }

    /// <summary>
    /// A <c>[Required]</c> property is <c>T?</c> in C# so that a missing value reaches validation (a 400 naming
    /// it) instead of becoming a default; on the wire null is refused like absence, so the document says
    /// non-nullable (<c>"string"</c>, not <c>["null","string"]</c>). A property whose type becomes a component
    /// (an enum, an object) carries the generator's nullable mark instead, from which it writes "or null" later.
    /// </summary>
    public static Task RequiredIsNotNullAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) != true) return Task.CompletedTask;
        if (schema.Type is { } type) schema.Type = type & ~JsonSchemaType.Null;
        schema.Metadata?.Remove(NullablePropertyMark);
        return Task.CompletedTask;
    }

    private const string NullablePropertyMark = "x-is-nullable-property";

    /// <summary>
    /// An enum component is shared by nullable and non-nullable properties, so it lists its values only; a
    /// nullable property says "or null" itself. (The generator builds the component from whichever use it
    /// meets first, so <c>PaymentMethod?</c> left <c>null</c> in the enum and every use nullable.)
    /// </summary>
    private static void EnumWithoutNull(OpenApiSchema component)
    {
        if (component.Enum is not { Count: > 0 } values || !values.Any(v => v is null)) return;
        component.Enum = values.Where(v => v is not null).ToList();
        component.Type &= ~JsonSchemaType.Null;
    }

    /// <summary>
    /// A nullable use of a component is <c>oneOf: [{type: null}, {$ref}]</c>, the form NSwag (NJsonSchema) reads as
    /// a nullable reference (<c>PaymentMethod?</c>); with <c>anyOf</c> it generated an untyped class instead
    /// (<c>PaymentMethod2</c>) that cannot hold the string the server sends. Since the component never lists
    /// null (<see cref="EnumWithoutNull"/>), null and each value match exactly one branch for every validator.
    /// </summary>
    private static void NullableOnce(OpenApiSchema schema)
    {
        var branches = schema.OneOf ?? schema.AnyOf;
        if (branches is not { Count: 2 }) return;
        var reference = branches.OfType<OpenApiSchemaReference>().SingleOrDefault();
        var isNull = branches.OfType<OpenApiSchema>().SingleOrDefault(b => b.Type == JsonSchemaType.Null);
        if (reference is null || isNull is null) return;
        schema.AnyOf = null;
        schema.OneOf = [isNull, reference];
    }

    /// <summary>
    /// An optional body (<c>mark-paid</c>'s reference, a refund's reason) is optional by <c>requestBody.required:
    /// false</c>: a body schema that also admits <c>null</c> made NSwag send an untyped class named <c>Body4</c>.
    /// The body is the request type or nothing.
    /// </summary>
    private static void OptionalBodyIsNotNullable(OpenApiOperation operation)
    {
        if (operation.RequestBody is not OpenApiRequestBody { Required: false, Content: { } content }) return;
        foreach (var media in content.Values)
        {
            if (media.Schema is OpenApiSchema { OneOf: { Count: 2 } branches } && branches.OfType<OpenApiSchemaReference>().SingleOrDefault() is { } reference
                && branches.OfType<OpenApiSchema>().Any(b => b.Type == JsonSchemaType.Null))
                media.Schema = reference;
        }
    }

    /// <summary>
    /// <c>[Range(1, long.MaxValue)]</c> goes through <c>double</c> and comes out as 9223372036854776000, above
    /// int64's maximum, which strict generators refuse. An int64 needs no bound at its own limits: drop such bounds.
    /// </summary>
    private static void WithinInt64(OpenApiSchema schema)
    {
        if (schema.Format != "int64") return;
        if (Exceeds(schema.Maximum, long.MaxValue)) schema.Maximum = null;
        if (Exceeds(schema.Minimum, long.MinValue)) schema.Minimum = null;
    }

    private static bool Exceeds(string? bound, long limit) =>
        decimal.TryParse(bound, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && (limit > 0 ? value >= limit : value <= limit);

    /// <summary>Every concrete schema of the document: components, parameters, bodies, responses, nested.</summary>
    private static List<OpenApiSchema> AllSchemas(OpenApiDocument document)
    {
        var collector = new SchemaCollector();
        new OpenApiWalker(collector).Walk(document);
        return collector.Found;
    }

    private sealed class SchemaCollector : OpenApiVisitorBase
    {
        public List<OpenApiSchema> Found { get; } = [];

        public override void Visit(IOpenApiSchema schema)
        {
            if (schema is OpenApiSchema concrete) Found.Add(concrete);
        }
    }
}
