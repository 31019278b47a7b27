using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Validates JSON values, and whole responses, against the schemas of an OpenAPI 3.1 document with a JSON
/// Schema 2020-12 validator (JsonSchema.Net): the document's components become <c>$defs</c> of every schema
/// built here, so <c>$ref</c>s resolve as a third-party validator resolves them. OpenAPI-only keywords
/// (<c>discriminator</c>) are annotations to it; <c>oneOf</c>, <c>required</c>, <c>additionalProperties</c>
/// and <c>type</c> are checked as written.
/// </summary>
public sealed class OpenApiSchemaValidator
{
    private const string ComponentPrefix = "#/components/schemas/";
    private readonly JsonElement _document;
    private readonly JsonNode _defs;
    private readonly ConcurrentDictionary<string, JsonSchema> _built = new();
    private readonly List<(string Template, Regex Pattern, int Parameters)> _paths;

    public OpenApiSchemaValidator(JsonElement document)
    {
        _document = document.Clone();
        _defs = Rewrite(JsonNode.Parse(document.GetProperty("components").GetProperty("schemas").GetRawText())!);
        _paths = document.GetProperty("paths").EnumerateObject()
            .Select(p => (p.Name, new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", "[^/]+") + "$"), p.Name.Count(c => c == '{')))
            .ToList();
    }

    /// <summary>What is wrong with <paramref name="value"/> against a component (by name) or an inline schema.</summary>
    public IReadOnlyList<string> ErrorsOf(string component, JsonElement value) =>
        Evaluate(Schema($"ref:{component}", () => new JsonObject { ["$ref"] = "#/$defs/" + component }), value);

    public IReadOnlyList<string> ErrorsOf(JsonElement schema, JsonElement value) =>
        Evaluate(Schema("inline:" + schema.GetRawText(), () => Rewrite(JsonNode.Parse(schema.GetRawText())!)), value);

    /// <summary>
    /// What is wrong with a response against its operation (found by method and concrete path; a literal
    /// segment beats a parameter): an undocumented status or media type, or a body its schema refuses.
    /// </summary>
    public IReadOnlyList<string> ResponseErrors(string method, string path, int status, string? mediaType, string body)
    {
        var template = TemplateOf(path);
        var where = $"{method.ToUpperInvariant()} {path} → {status}";
        if (template is null || !_document.GetProperty("paths").GetProperty(template).TryGetProperty(method.ToLowerInvariant(), out var operation))
            return [$"{where}: no such operation in the document"];
        if (!operation.GetProperty("responses").TryGetProperty(status.ToString(), out var response))
            return [$"{where}: status not documented for {template}"];
        if (body.Length == 0) return [];
        if (!response.TryGetProperty("content", out var content) || mediaType is null || !content.TryGetProperty(mediaType, out var media))
            return [$"{where}: a {mediaType} body, documented are [{(response.TryGetProperty("content", out var c) ? string.Join(",", c.EnumerateObject().Select(m => m.Name)) : "")}]"];
        if (!mediaType.Contains("json", StringComparison.Ordinal) || !media.TryGetProperty("schema", out var schema)) return [];
        using var json = JsonDocument.Parse(body);
        return ErrorsOf(schema, json.RootElement).Select(e => $"{where} ({template}): {e}").ToList();
    }

    /// <summary>The document's path template a concrete path belongs to (<c>/api/partners/my/earnings</c> before <c>{partnerId}</c>).</summary>
    public string? TemplateOf(string path) =>
        _paths.Where(p => p.Pattern.IsMatch(path)).OrderBy(p => p.Parameters).Select(p => p.Template).FirstOrDefault();

    private JsonSchema Schema(string key, Func<JsonNode> root) => _built.GetOrAdd(key, _ =>
    {
        var schema = root().AsObject();
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        schema["$defs"] = _defs.DeepClone();
        // A registry of its own per schema: each is built as its own document with its own $defs.
        return JsonSchema.Build(JsonDocument.Parse(schema.ToJsonString()).RootElement, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    });

    private static IReadOnlyList<string> Evaluate(JsonSchema schema, JsonElement value)
    {
        var results = schema.Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")).ToList();
        return errors.Count > 0 ? errors : ["invalid"];
    }

    /// <summary>The document's references to components, as references to the schema's own <c>$defs</c>.</summary>
    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (key == "$ref" && child is JsonValue reference && reference.TryGetValue<string>(out var target) && target.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                        obj[key] = "#/$defs/" + target[ComponentPrefix.Length..];
                    else if (child is not null) Rewrite(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array) if (child is not null) Rewrite(child);
                break;
        }
        return node;
    }
}
