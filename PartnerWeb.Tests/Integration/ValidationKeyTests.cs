using System.Net;
using System.Text;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 20: every validation error of the API is keyed by the camelCase field or parameter name, whatever found
/// it (query binding, System.Text.Json, data annotations, a service's rule): never <c>Limit</c>, <c>$.price</c>, nor
/// an extra <c>request</c> key beside the real one.
/// </summary>
public sealed class ValidationKeyTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private static readonly string NoPartner = Guid.NewGuid().ToString();

    public static TheoryData<string, string> BadQueries() => new()
    {
        { "/api/marketplace/items?limit=abc", "limit" },
        { "/api/marketplace/items?limit=0", "limit" },
        { "/api/marketplace/items?Limit=500", "limit" },
        { "/api/partners?status=bogus", "status" },
        { $"/api/partners/{NoPartner}/earnings?from=yesterday", "from" },
        { $"/api/partners/{NoPartner}/earnings?from=2026-02-01&to=2026-01-01", "from" },
        { "/api/billing/invoices?cursor=%00", "cursor" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_parameter_is_keyed_by_its_camelCase_name(string url, string key)
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await AssertKeysAsync(await admin.GetAsync(url), key);
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        // JSON type errors: the field's name, not its JSON path, and no "request" beside it.
        { "/api/marketplace/items", """{"name":"Typed","type":"template","price":"100","currency":"USD"}""", "price" },
        { "/api/marketplace/items", """{"name":"Typed","type":"no-such-type","price":100,"currency":"USD"}""", "type" },
        { "/api/partners/apply", """{"displayName":"A","contactEmail":"a@b.example","country":"DE","payoutPreferences":{"method":"paypal","email":5}}""", "payoutPreferences.email" },
        { "/api/partners/apply", """{"displayName":"A","contactEmail":"a@b.example","country":"DE","payoutPreferences":{"method":"wire"}}""", "payoutPreferences" },
        // Missing required fields, by data annotations and by a service's rule.
        { "/api/marketplace/items", """{"type":"template","price":100,"currency":"USD"}""", "name" },
        { "/api/partners/apply", """{"displayName":"A","contactEmail":"a@b.example","country":"DE","payoutPreferences":{"method":"paypal"}}""", "payoutPreferences.email" },
        // A body that is no object at all is the body's error: the empty key, once.
        { "/api/marketplace/items", "[]", "" },
        { "/api/marketplace/items", "null", "" },
        { "/api/marketplace/items", """{"name":"Cut",""", "" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_keyed_by_the_camelCase_field_and_nothing_else(string url, string body, string key)
    {
        using var owner = await factory.ClientAsAsync(url.Contains("apply") ? Demo.InitechOwner : Demo.PlatformAdmin);
        await AssertKeysAsync(await owner.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json")), key);
    }

    [Theory]
    [InlineData("$.price", "price")]
    [InlineData("$.payoutPreferences.iban", "payoutPreferences.iban")]
    [InlineData("$['odd key'].Value", "odd key.value")]
    [InlineData("$.lines[0].amount", "lines[0].amount")]
    [InlineData("$", "")]
    [InlineData("Limit", "limit")]
    [InlineData("Request.PayoutPreferences.Iban", "request.payoutPreferences.iban")]
    [InlineData("payoutPreferences.accountHolder", "payoutPreferences.accountHolder")]
    public void Keys_are_camelCase_dotted_and_without_the_json_root(string key, string expected) =>
        Assert.Equal(expected, ValidationKeys.Key(key));

    private static async Task AssertKeysAsync(HttpResponseMessage response, string key)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var keys = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(keys.SequenceEqual([key]), $"{response.RequestMessage!.RequestUri}: errors [{string.Join(", ", keys)}], expected [{key}]");
    }
}
