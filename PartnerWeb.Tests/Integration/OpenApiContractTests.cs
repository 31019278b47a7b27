using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// What third-party validators and client generators need of the document beyond matching the endpoints:
/// each value validates through one schema branch, and every operation has a stable, unique operationId,
/// no number or URL a strict generator refuses, and the statuses no action declares (413, 415, 405).
/// </summary>
public sealed partial class OpenApiDocumentTests
{
    /// <summary>Nullable enum properties the document must keep nullable (a floor; the check covers every enum property).</summary>
    private static readonly string[] NullableEnumProperties =
    [
        "InvoiceDto.paymentMethod", "UpdateListingRequest.status", "UpdateListingRequest.commissionType", "CreateListingRequest.commissionType",
    ];

    [Fact]
    public async Task Enums_are_nullable_once_by_the_property_never_by_the_component()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var component in schemas.EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)))
        {
            Assert.True(component.Value.GetProperty("enum").EnumerateArray().All(v => v.ValueKind != JsonValueKind.Null), $"{component.Name} lists null");
            Assert.DoesNotContain("null", TypesOf(component.Value));
        }

        var properties = new List<(string Where, string Name, JsonElement Schema)>();
        CollectProperties(document, "#", properties);
        var enumProperties = 0;
        var nullable = new List<string>();
        foreach (var (where, name, schema) in properties)
        {
            var branches = Branches(schema);
            var values = branches.SelectMany(b => EnumValues(schemas, b)).Distinct().ToList();
            if (values.Count == 0) continue;
            enumProperties++;
            var label = $"{where.Split('/')[^1]}.{name}";
            foreach (var value in values)
            {
                using var json = JsonDocument.Parse(JsonSerializer.Serialize(value));
                var matching = branches.Count(b => Accepts(schemas, b, json.RootElement));
                Assert.True(matching == 1, $"{label}: \"{value}\" matches {matching} branches of {schema.GetRawText()}");
            }
            using var nullJson = JsonDocument.Parse("null");
            var nullMatching = branches.Count(b => Accepts(schemas, b, nullJson.RootElement));
            Assert.True(nullMatching <= 1, $"{label}: null matches {nullMatching} branches of {schema.GetRawText()}");
            if (nullMatching == 1) nullable.Add(label);
        }
        Assert.True(enumProperties > 10, $"only {enumProperties} enum properties found");
        foreach (var property in NullableEnumProperties) Assert.Contains(property, nullable);
    }

    [GeneratedRegex("^[A-Z][A-Za-z]+_[A-Z][A-Za-z]+$")]
    private static partial Regex OperationIdPattern();

    /// <summary>
    /// Generated clients name their methods by operationId. Each is the endpoint's declared name
    /// (<c>[EndpointName("Feature_Action")]</c>), so a route change never renames a client method.
    /// </summary>
    [Fact]
    public async Task Every_operation_has_a_unique_operation_id_its_endpoint_declares()
    {
        var document = await DocumentAsync();
        var ids = Operations(document).ToDictionary(o => $"{o.Method} {o.Path}",
            o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null);
        foreach (var (operation, id) in ids)
            Assert.True(id is not null && OperationIdPattern().IsMatch(id), $"{operation}: operationId \"{id}\" is not Feature_Action");
        var duplicates = ids.GroupBy(i => i.Value).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Key))}").ToList();
        Assert.True(duplicates.Count == 0, "operationIds used twice:\n" + string.Join("\n", duplicates));
        foreach (var endpoint in await EndpointsAsync())
        {
            if (ids.TryGetValue($"{endpoint.Method} {endpoint.Path}", out var id))
                Assert.True(endpoint.Name == id, $"{endpoint.Method} {endpoint.Path}: operationId {id} is not its endpoint name {endpoint.Name}");
        }
        Assert.Equal("Partners_Apply", ids["post /api/partners/apply"]);
        Assert.Equal("Payouts_MarkPaid", ids["post /api/partners/{partnerId}/payouts/{payoutId}/mark-paid"]);
        Assert.Equal("Billing_MarkPaid", ids["post /api/billing/invoices/{id}/mark-paid"]);
    }

    [Fact]
    public async Task Server_urls_have_no_trailing_slash_and_integer_bounds_fit_int64()
    {
        var document = await DocumentAsync();
        var servers = document.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()!).ToList();
        Assert.NotEmpty(servers);
        Assert.All(servers, url => Assert.False(url.EndsWith('/'), $"server {url} ends with '/'"));

        var bounds = new List<string>();
        CollectBounds(document, "#", bounds);
        Assert.Contains("#/components/schemas/RefundRequest/properties/amount minimum 1", bounds); // the Range's lower bound stays
        Assert.Contains("#/components/schemas/CreateItemRequest/properties/price maximum 999999999999", bounds);
    }

    /// <summary>Every minimum/maximum of an integer schema, each of which must be an int64.</summary>
    private static void CollectBounds(JsonElement node, string where, List<string> found)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray()) CollectBounds(item, where, found);
            return;
        }
        if (node.ValueKind != JsonValueKind.Object) return;
        foreach (var child in node.EnumerateObject())
        {
            if (child.Name is "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" && TypesOf(node).Contains("integer"))
            {
                Assert.True(child.Value.TryGetInt64(out var bound), $"{where}: {child.Name} {child.Value} is no int64");
                found.Add($"{where} {child.Name} {bound}");
            }
            CollectBounds(child.Value, $"{where}/{child.Name}", found);
        }
    }

    /// <summary>The webhooks read their bodies raw (the signature covers the bytes): no media type is refused.</summary>
    private static readonly string[] RawBodies = ["/api/billing/stripe/webhook", "/api/billing/stripe/connect-webhook"];

    [Fact]
    public async Task Operations_with_a_body_document_413_and_those_binding_json_415()
    {
        var document = await DocumentAsync();
        var withBody = 0;
        foreach (var (method, path, operation) in Operations(document))
        {
            var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            var where = $"{method.ToUpperInvariant()} {path}";
            if (!operation.TryGetProperty("requestBody", out _))
            {
                Assert.True(!statuses.Contains("415"), $"{where} takes no body but documents 415");
                continue;
            }
            withBody++;
            Assert.True(statuses.Contains("413"), $"{where} takes a body but does not document 413");
            Assert.True(statuses.Contains("415") != RawBodies.Contains(path), $"{where}: 415 documented [{string.Join(",", statuses)}]");
        }
        Assert.True(withBody > 15, $"only {withBody} operations with a body");

        // What the document says is what the server does: a body of another type, an anonymous and a secured operation.
        using var anonymous = Factory.CreateApiClient();
        await (await anonymous.PostAsync("/api/auth/token", new StringContent("email=a@b.example", Encoding.UTF8, "text/plain")))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsync("/api/marketplace/items", new StringContent("<item/>", Encoding.UTF8, "application/xml")))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>
    /// 405 answers a method a path does not have, so no operation can document it: the overview does, and
    /// every documented path answers it, naming in <c>Allow</c> exactly the methods the document lists.
    /// </summary>
    [Fact]
    public async Task A_method_a_path_does_not_list_answers_405_with_the_documented_methods_in_Allow()
    {
        var document = await DocumentAsync();
        Assert.Contains("405", document.GetProperty("info").GetProperty("description").GetString());
        using var client = await Factory.ClientAsAsync(Demo.GlobexStaff);
        string[] candidates = ["PUT", "DELETE", "PATCH", "POST", "GET"];
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            var documented = path.Value.EnumerateObject().Select(m => m.Name.ToUpperInvariant()).Where(m => candidates.Contains(m) || m == "HEAD").ToHashSet();
            Assert.DoesNotContain("405", path.Value.EnumerateObject().SelectMany(m => m.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name)));
            var other = candidates.First(m => !documented.Contains(m));
            var url = Regex.Replace(path.Name, "{[^}]+}", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(other), url));
            await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
            var allowed = response.Content.Headers.Allow.Select(m => m.ToUpperInvariant()).ToHashSet();
            Assert.True(allowed.SetEquals(documented), $"{other} {path.Name}: Allow [{string.Join(",", allowed)}], documented [{string.Join(",", documented)}]");
        }
    }

    /// <summary>The CSV export holds every entry of the range: it takes the range, not the list's paging.</summary>
    [Fact]
    public async Task The_earnings_export_documents_the_range_and_no_paging()
    {
        var document = await DocumentAsync();
        var parameters = document.GetProperty("paths").GetProperty("/api/partners/{partnerId}/earnings.csv").GetProperty("get")
            .GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["partnerId", "from", "to"], parameters);
        var listed = document.GetProperty("paths").GetProperty("/api/partners/{partnerId}/earnings").GetProperty("get")
            .GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["partnerId", "from", "to", "limit", "cursor"], listed);

        // The range is still checked.
        using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.GetAsync($"/api/partners/{Guid.NewGuid()}/earnings.csv?from=yesterday")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>
    /// A required request field refuses null as it refuses absence (a 400 naming it), so the document types it
    /// non-nullable: generated clients then make it a plain string, enum or object.
    /// </summary>
    [Fact]
    public async Task Required_request_fields_are_not_nullable_and_null_is_still_a_400()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var bodies = Operations(document)
            .Where(o => o.Operation.TryGetProperty("requestBody", out _) && !RawBodies.Contains(o.Path))
            .SelectMany(o => Branches(o.Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")))
            .Where(schema => schema.TryGetProperty("$ref", out _))
            .Select(schema => schema.GetProperty("$ref").GetString()!.Split('/')[^1])
            .Distinct().ToList();
        Assert.True(bodies.Count > 10, $"only {bodies.Count} request bodies");
        using var nullJson = JsonDocument.Parse("null");
        var required = 0;
        foreach (var body in bodies)
        {
            var schema = schemas.GetProperty(body);
            // PayoutPreferences requires its discriminator, which each method's schema declares.
            if (!schema.TryGetProperty("required", out var names) || !schema.TryGetProperty("properties", out _)) continue;
            foreach (var name in names.EnumerateArray().Select(n => n.GetString()!))
            {
                required++;
                var property = schema.GetProperty("properties").GetProperty(name);
                Assert.False(TypesOf(property).Contains("null"), $"{body}.{name} is required but typed {property.GetRawText()}");
                Assert.False(Branches(property).Any(b => AcceptsNull(schemas, b)), $"{body}.{name} is required but accepts null: {property.GetRawText()}");
            }
        }
        Assert.True(required > 15, $"only {required} required request fields");
        Assert.Equal("string", schemas.GetProperty("ApplyRequest").GetProperty("properties").GetProperty("displayName").GetProperty("type").GetString());
        Assert.Equal("#/components/schemas/ItemType", schemas.GetProperty("CreateItemRequest").GetProperty("properties").GetProperty("type").GetProperty("$ref").GetString());

        // The server still refuses a missing and a null value with a 400 naming the field, and writes nothing.
        using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
        var before = await ItemCountAsync(admin);
        foreach (var (body, field) in new[]
        {
            ("""{"type":"template","price":100,"currency":"USD"}""", "name"),
            ("""{"name":null,"type":"template","price":100,"currency":"USD"}""", "name"),
            ("""{"name":"Null type","type":null,"price":100,"currency":"USD"}""", "type"),
            ("""{"name":"No price","type":"template","price":null,"currency":"USD"}""", "price"),
        })
        {
            var problem = await (await admin.PostAsync("/api/marketplace/items", new StringContent(body, Encoding.UTF8, "application/json")))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            var keys = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
            Assert.True(keys.Any(k => k.Equals(field, StringComparison.OrdinalIgnoreCase)), $"{body}: errors [{string.Join(",", keys)}]");
        }
        Assert.Equal(before, await ItemCountAsync(admin));
    }

    /// <summary>
    /// Decimal rates are JSON numbers with at most two decimals (<c>multipleOf: 0.01</c>), never a <c>double</c>:
    /// numbers clients send keep working, and what the schema refuses the server refuses too.
    /// </summary>
    [Fact]
    public async Task Decimal_rates_are_numbers_with_two_decimals_and_the_server_agrees()
    {
        var document = await DocumentAsync();
        var properties = new List<(string Where, string Name, JsonElement Schema)>();
        CollectProperties(document, "#", properties);
        var numbers = properties.Where(p => TypesOf(p.Schema).Contains("number")).ToList();
        Assert.DoesNotContain("\"double\"", document.GetRawText());
        Assert.DoesNotContain("\"float\"", document.GetRawText());
        foreach (var (where, name, schema) in numbers)
        {
            var label = $"{where.Split('/')[^1]}.{name}";
            Assert.True(schema.GetProperty("multipleOf").GetDecimal() == 0.01m, $"{label}: {schema.GetRawText()}");
            Assert.True(schema.GetProperty("format").GetString() == "decimal", $"{label}: {schema.GetRawText()}");
            Assert.True(schema.GetProperty("minimum").GetDecimal() == 0m, $"{label}: {schema.GetRawText()}");
        }
        var rates = numbers.Select(n => $"{n.Where.Split('/')[^1]}.{n.Name}").ToHashSet();
        foreach (var rate in new[] { "CreateListingRequest.commissionValue", "UpdateListingRequest.commissionValue", "ListingDto.commissionValue",
                     "CreateResellerRequest.marginPercent", "ResellerDto.marginPercent", "ResellerCommissionDto.marginPercent" })
            Assert.Contains(rate, rates);
        Assert.Equal(100m, document.GetProperty("components").GetProperty("schemas").GetProperty("CreateResellerRequest")
            .GetProperty("properties").GetProperty("marginPercent").GetProperty("maximum").GetDecimal());

        // The schema and the server draw the line at the same place.
        var validator = new OpenApiSchemaValidator(document);
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(Factory, Demo.GlobexOwner);
        using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
        using var globex = await Factory.ClientAsAsync(Demo.GlobexOwner);
        var itemId = await PartnerFlows.PublishAsync(globex, "Rated Add-on", 1000);
        var created = await PartnerFlows.CreateListingAsync(admin, partnerId, itemId, "percent", 12.5m);
        Assert.Empty(validator.ErrorsOf("ListingDto", created));
        Assert.Equal("12.5", created.GetProperty("commissionValue").GetRawText());
        var url = $"/api/partners/{partnerId}/listings/{created.GetProperty("id")}";
        foreach (var (value, accepted) in new[] { ("12.345", false), ("-1", false), ("0.07", true), ("19.99", true), ("100", true) })
        {
            var body = $$"""{"commissionValue":{{value}}}""";
            using var json = JsonDocument.Parse(body);
            Assert.True(accepted == (validator.ErrorsOf("UpdateListingRequest", json.RootElement).Count == 0), $"schema on {value}");
            var response = await admin.PatchAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
            if (!accepted)
            {
                var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
                Assert.Equal(["commissionValue"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
                continue;
            }
            var listing = await response.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal(value, listing.GetProperty("commissionValue").GetRawText());
            Assert.Empty(validator.ErrorsOf("ListingDto", listing));
        }
    }

    private static async Task<int> ItemCountAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/marketplace/items?limit=200")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength();

    private static bool AcceptsNull(JsonElement schemas, JsonElement schema)
    {
        schema = Resolve(schemas, schema);
        if (schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _))
            return Branches(schema).Any(b => AcceptsNull(schemas, b));
        var types = TypesOf(schema);
        return types.Count == 0 ? !schema.TryGetProperty("enum", out _) && !schema.TryGetProperty("properties", out _) : types.Contains("null");
    }

    private static List<string?> TypesOf(JsonElement schema) => !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];

    /// <summary>The alternatives a validator tries: the anyOf/oneOf branches, or the schema itself.</summary>
    private static List<JsonElement> Branches(JsonElement schema) =>
        schema.TryGetProperty("anyOf", out var any) ? any.EnumerateArray().ToList()
        : schema.TryGetProperty("oneOf", out var one) ? one.EnumerateArray().ToList()
        : [schema];

    private static JsonElement Resolve(JsonElement schemas, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

    private static IEnumerable<string> EnumValues(JsonElement schemas, JsonElement schema) =>
        Resolve(schemas, schema).TryGetProperty("enum", out var values)
            ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
            : [];

    /// <summary>The type and enum keywords of JSON Schema, which is all an enum property uses.</summary>
    private static bool Accepts(JsonElement schemas, JsonElement schema, JsonElement value)
    {
        schema = Resolve(schemas, schema);
        var types = TypesOf(schema);
        var kind = value.ValueKind == JsonValueKind.Null ? "null" : "string";
        if (types.Count > 0 && !types.Contains(kind)) return false;
        return !schema.TryGetProperty("enum", out var values) || values.EnumerateArray().Any(v => v.ValueKind == value.ValueKind && v.ToString() == value.ToString());
    }
}
