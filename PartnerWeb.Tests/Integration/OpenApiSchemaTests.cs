using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Values stored as raw JSON (payout preferences, a payout's details, an audit event's data) have real schemas:
/// no <c>{}</c> that a generator turns into a class named <c>JsonElement</c>, and what the server answers
/// validates against them while the wire format stays what it was.
/// </summary>
public sealed partial class OpenApiDocumentTests
{
    private static readonly Dictionary<string, string[]> PayoutMethodFields = new()
    {
        ["bank_transfer"] = ["method", "accountHolder", "iban"],
        ["paypal"] = ["method", "email"],
        ["stripe_connect"] = ["method"],
    };

    /// <summary>
    /// The union is exactly one closed schema per method (<c>dependentSchemas: {method: {oneOf}}</c>) with a discriminator on <c>method</c>
    /// whose mapping names each method's component, which extends the union (the inheritance NSwag generates from).
    /// </summary>
    [Fact]
    public async Task Payout_preferences_are_one_schema_per_method_with_a_discriminator()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var preferences = schemas.GetProperty("PayoutPreferences");
        Assert.False(preferences.TryGetProperty("anyOf", out _));
        Assert.False(preferences.TryGetProperty("oneOf", out _)); // NSwag types every use of such a component as a class it never declares
        Assert.False(preferences.TryGetProperty("allOf", out _)); // ... and makes an allOf's oneOf the base class of every method
        Assert.Equal(["method"], preferences.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var discriminator = preferences.GetProperty("discriminator");
        Assert.Equal("method", discriminator.GetProperty("propertyName").GetString());
        var mapping = discriminator.GetProperty("mapping").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!);
        Assert.Equal(PayoutMethodFields.Keys.Order(), mapping.Keys.Order());
        var branches = preferences.GetProperty("dependentSchemas").GetProperty("method").GetProperty("oneOf").EnumerateArray().ToList();
        Assert.Equal(PayoutMethodFields.Count, branches.Count);
        foreach (var (method, fields) in PayoutMethodFields)
        {
            var branch = branches.Single(b => b.GetProperty("properties").GetProperty("method").GetProperty("enum").EnumerateArray().Select(v => v.GetString()).SequenceEqual([method]));
            Assert.Equal(fields.Order(), branch.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
            Assert.False(branch.GetProperty("additionalProperties").GetBoolean());
            foreach (var field in fields) Assert.Equal("string", branch.GetProperty("properties").GetProperty(field).GetProperty("type").GetString());

            var component = Resolve(schemas, JsonDocument.Parse($$"""{"$ref":"{{mapping[method]}}"}""").RootElement);
            var parts = component.GetProperty("allOf").EnumerateArray().ToList();
            Assert.Equal("#/components/schemas/PayoutPreferences", parts[0].GetProperty("$ref").GetString());
            var own = parts[1].TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToList() : [];
            Assert.Equal(fields.Where(f => f != "method").Order(), own.Order());
        }

        // Requests and responses name the same union.
        foreach (var (component, property) in new[]
        {
            ("ApplyRequest", "payoutPreferences"), ("UpdatePartnerRequest", "payoutPreferences"),
            ("PartnerDto", "payoutPreferences"), ("PayoutDto", "payoutDetails"),
        })
        {
            var schema = schemas.GetProperty(component).GetProperty("properties").GetProperty(property);
            Assert.Contains(Branches(schema), b => b.TryGetProperty("$ref", out var r) && r.GetString() == "#/components/schemas/PayoutPreferences");
        }

        var validator = new OpenApiSchemaValidator(document);
        using var valid = JsonDocument.Parse("""{"iban":"DE89370400440532013000","method":"bank_transfer","accountHolder":"A"}""");
        Assert.Empty(validator.ErrorsOf("PayoutPreferences", valid.RootElement));
        Assert.Empty(validator.ErrorsOf(mapping["bank_transfer"].Split('/')[^1], valid.RootElement));
        Assert.NotEmpty(validator.ErrorsOf(mapping["paypal"].Split('/')[^1], valid.RootElement));
        foreach (var wrong in new[]
        {
            """{"method":"bank_transfer","iban":"DE89370400440532013000"}""", """{"method":"paypal","email":null}""",
            """{"method":"paypal","email":"a@b.example","iban":"x"}""", """{"method":"wire"}""", """{"email":"a@b.example"}""",
        })
        {
            using var json = JsonDocument.Parse(wrong);
            Assert.NotEmpty(validator.ErrorsOf("PayoutPreferences", json.RootElement));
        }
    }

    [Fact]
    public async Task No_schema_is_empty_and_no_component_is_named_JsonElement()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.False(schemas.TryGetProperty("JsonElement", out _));
        Assert.DoesNotContain("JsonElement", document.GetRawText());
        var empty = new List<string>();
        CollectEmptySchemas(document, "#", false, empty);
        Assert.True(empty.Count == 0, "schemas that say nothing:\n" + string.Join("\n", empty));

        var data = schemas.GetProperty("AuditEventDto").GetProperty("properties").GetProperty("data");
        Assert.Equal("object", data.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, data.GetProperty("additionalProperties").ValueKind);
    }

    /// <summary>The payout preferences sent are answered as they were (the wire format), and every answer validates.</summary>
    [Fact]
    public async Task Partners_payouts_and_audit_events_validate_against_their_schemas()
    {
        var document = await DocumentAsync();
        var validator = new OpenApiSchemaValidator(document);
        using var owner = await Factory.ClientAsAsync(Demo.InitechOwner);
        var application = new
        {
            displayName = "Schema Partner", contactEmail = "schema@initech.example", country = "de",
            payoutPreferences = new { email = "pay@initech.example", method = "paypal" },
        };
        var applied = await (await owner.PostAsJsonAsync("/api/partners/apply", application)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Empty(validator.ErrorsOf("PartnerDto", applied));
        Assert.Equal("""{"method":"paypal","email":"pay@initech.example"}""", applied.GetProperty("payoutPreferences").GetRawText());
        var partnerId = applied.GetProperty("id").GetGuid();

        using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        var bank = new { method = "bank_transfer", accountHolder = "Initech GmbH", iban = "DE89 3704 0044 0532 0130 00" };
        var updated = await (await owner.PatchAsJsonAsync($"/api/partners/{partnerId}", new { payoutPreferences = bank })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Empty(validator.ErrorsOf("PartnerDto", updated));
        Assert.Equal("""{"method":"bank_transfer","accountHolder":"Initech GmbH","iban":"DE89370400440532013000"}""", updated.GetProperty("payoutPreferences").GetRawText());

        await PartnerFlows.InsertPayoutsAsync(Factory, partnerId, "USD", Domain.PayoutStatus.Owed, 5000);
        var payouts = await AssertValidAsync(validator, await admin.GetAsync($"/api/partners/{partnerId}/payouts"));
        Assert.Equal("bank_transfer", payouts.GetProperty("items")[0].GetProperty("payoutDetails").GetProperty("method").GetString());

        var audit = await AssertValidAsync(validator, await admin.GetAsync("/api/audit?limit=50"));
        Assert.True(audit.GetProperty("items").GetArrayLength() > 0);
    }

    /// <summary>The response's JSON body, once it validated against its operation's schema for its status.</summary>
    private static async Task<JsonElement> AssertValidAsync(OpenApiSchemaValidator validator, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var errors = validator.ResponseErrors(response.RequestMessage!.Method.Method, response.RequestMessage.RequestUri!.AbsolutePath,
            (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Every schema position (a property, an item, a branch, a body or parameter schema) that is <c>{}</c>.</summary>
    private static void CollectEmptySchemas(JsonElement node, string where, bool isSchema, List<string> found)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in node.EnumerateArray()) CollectEmptySchemas(item, $"{where}/{i++}", isSchema, found);
            return;
        }
        if (node.ValueKind != JsonValueKind.Object) return;
        if (isSchema && !node.EnumerateObject().Any()) found.Add(where);
        var inProperties = where.EndsWith("/properties", StringComparison.Ordinal) || where.EndsWith("/components/schemas", StringComparison.Ordinal);
        foreach (var child in node.EnumerateObject())
        {
            var childIsSchema = inProperties || child.Name is "schema" or "items" or "additionalProperties" or "oneOf" or "anyOf" or "allOf" or "not";
            CollectEmptySchemas(child.Value, $"{where}/{child.Name}", childIsSchema, found);
        }
    }
}
