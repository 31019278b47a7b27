using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// Spec §5 ("bad input is rejected with a clear 400 and writes nothing"), issue 7 item 5. Every write endpoint
/// (and the earnings date filters) gets malformed JSON, wrong types, missing fields, huge strings, bodies over
/// 1 MiB, negative and overflowing amounts, unknown enums, bad GUIDs, out-of-range dates, control characters and
/// SQL/script injection. Each request must answer a 4xx problem details with a title, the status given here, and
/// leave the row count of every table as it was. Text that is valid however hostile it looks is checked the other
/// way: stored verbatim and rendered HTML-encoded. Webhook signature cases StripeWebhookTests lacks are at the end.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.State state) : IClassFixture<HostileInputTests.State>
{
    public enum Caller { Anonymous, AcmeAdmin, AcmeOwner, InitechOwner, UmbrellaOwner, PlatformAdmin }

    private sealed record Endpoint(Caller Caller, string Method, string Path, string? ValidBody);

    // Placeholders ({partner}, {listing} …) are the fixture's ids: see State. Each valid body is accepted as it is
    // (Every_valid_request_the_hostile_ones_start_from_is_accepted), so a refusal below is the hostile part's doing.
    private static readonly Dictionary<string, Endpoint> Endpoints = new()
    {
        ["token"] =            new(Caller.Anonymous,     "POST",  "/api/auth/token",                              """{"email":"owner@acme.example","password":"Demo!2345"}"""),
        ["item"] =             new(Caller.PlatformAdmin, "POST",  "/api/marketplace/items",                       """{"name":"Hostile item","type":"addon","price":100,"currency":"USD","description":"ok"}"""),
        ["install"] =          new(Caller.AcmeAdmin,     "POST",  "/api/marketplace/items/{item}/install",        null),
        ["invoice mark-paid"] = new(Caller.PlatformAdmin, "POST", "/api/billing/invoices/{invoice}/mark-paid",    """{"reference":"ref-1"}"""),
        ["void"] =             new(Caller.PlatformAdmin, "POST",  "/api/billing/invoices/{voidable}/void",        null),
        ["reseller"] =         new(Caller.PlatformAdmin, "POST",  "/api/resellers",                               """{"tenantId":"{tenant}","marginPercent":10}"""),
        ["child tenant"] =     new(Caller.UmbrellaOwner, "POST",  "/api/resellers/me/tenants",                    """{"name":"Hostile child","ownerEmail":"hostile@child.example","ownerPassword":"Hostile-child!2345"}"""),
        ["apply"] =            new(Caller.InitechOwner,  "POST",  "/api/partners/apply",                          """{"displayName":"Initech Partner","contactEmail":"partners@initech.example","country":"US","payoutPreferences":{"method":"bank_transfer","accountHolder":"Initech Ltd","iban":"DE89 3704 0044 0532 0130 00"}}"""),
        ["listing"] =          new(Caller.PlatformAdmin, "POST",  "/api/partners/{partner}/listings",             """{"marketplaceItemId":"{unlisted}","commissionType":"percent","commissionValue":20}"""),
        ["listing patch"] =    new(Caller.PlatformAdmin, "PATCH", "/api/partners/{partner}/listings/{listing}",   """{"status":"paused","commissionType":"percent","commissionValue":25}"""),
        ["payout mark-paid"] = new(Caller.PlatformAdmin, "POST",  "/api/partners/{partner}/payouts/{payout}/mark-paid", """{"reference":"ref-1"}"""),
        ["webhook"] =          new(Caller.Anonymous,     "POST",  "/api/billing/stripe/webhook",                  "{webhook}"),
        ["earnings"] =         new(Caller.PlatformAdmin, "GET",   "/api/partners/{partner}/earnings?from=2026-01-01&to=2099-12-31", null),
        ["my earnings"] =      new(Caller.AcmeOwner,     "GET",   "/api/partners/my/earnings?from=2026-01-01",    null),
        ["invoices"] =         new(Caller.PlatformAdmin, "GET",   "/api/billing/invoices?status=open",            null),
        ["partners"] =         new(Caller.PlatformAdmin, "GET",   "/api/partners?status=approved",                null),
        ["payouts"] =          new(Caller.PlatformAdmin, "GET",   "/api/partners/{partner}/payouts?status=approved", null),
        ["audit"] =            new(Caller.PlatformAdmin, "GET",   "/api/audit?limit=10",                          null),
    };

    private static readonly string[] JsonWrites =
        ["token", "item", "invoice mark-paid", "reseller", "child tenant", "apply", "listing", "listing patch", "payout mark-paid"];

    private static readonly string[] AllWrites = [.. JsonWrites, "install", "void", "webhook"];

    private const string Sql = "'; DROP TABLE Tenants;--";
    private const string Script = "<script>alert(1)</script>";
    private static readonly string Huge = new('x', 100_000);

    /// <summary>One hostile request: the endpoint it aims at, what is hostile, the answer expected, the field the 400 must name.</summary>
    private sealed record Probe(string Endpoint, string What, int Status, string? Body = null, string? Path = null,
        string? Field = null, string ContentType = "application/json", byte[]? Bytes = null);

    private static readonly Dictionary<string, Probe[]> Categories = new()
    {
        ["Malformed JSON"] =
        [
            .. JsonWrites.SelectMany(e => new[]
            {
                Raw(e, "{"), Raw(e, "not json"), Raw(e, "{'name':'x'}"), Raw(e, """{"name":"x",}"""), Raw(e, "[1,2"), Raw(e, """{"name":"x"}}"""),
                Raw(e, """{"a":""" + new string('[', 70) + new string(']', 70) + "}"),
                new Probe(e, "JSON sent as text/plain", 415, Endpoints[e].ValidBody, ContentType: "text/plain"),
            }),
            Raw("webhook", """{"id":"evt_1","type":"invoice.paid","data":{"object":"""),
        ],
        ["Wrong types"] =
        [
            Set("token", "email", "123"), Set("token", "password", "true"), Set("token", "email", """["owner@acme.example"]"""), Raw("token", "[]"),
            Set("item", "name", "42"), Set("item", "type", """["addon"]"""), Set("item", "price", "true"), Set("item", "price", """{"amount":100}"""),
            Set("item", "currency", "840"), Set("item", "description", "{}"),
            Set("invoice mark-paid", "reference", "12345"), Set("invoice mark-paid", "reference", """["r"]"""),
            Set("reseller", "tenantId", "12345"), Set("reseller", "tenantId", "true"), Set("reseller", "marginPercent", "\"10\""), Set("reseller", "marginPercent", "[10]"),
            Set("child tenant", "name", "1"), Set("child tenant", "ownerEmail", "[]"), Set("child tenant", "ownerPassword", "12345678"),
            Set("apply", "displayName", "1"), Set("apply", "contactEmail", "true"), Set("apply", "country", "1"),
            Set("apply", "payoutPreferences", "\"bank\""), Set("apply", "payoutPreferences", "[]"), Set("apply", "payoutPreferences", """{"method":5}"""),
            Set("listing", "marketplaceItemId", "1"), Set("listing", "commissionType", "true"), Set("listing", "commissionValue", "\"20\""),
            Set("listing patch", "status", "true"), Set("listing patch", "commissionValue", "\"25\""), Set("listing patch", "commissionType", "{}"),
            Set("payout mark-paid", "reference", "1"), Set("payout mark-paid", "reference", "false"),
        ],
        ["Missing fields"] =
        [
            Raw("token", "{}", "email"), Drop("token", "email"), Drop("token", "password"), Set("token", "password", "null"),
            Raw("item", "{}", "name"), Drop("item", "currency"), Set("item", "name", "null"), Set("item", "price", "null"),
            Raw("reseller", "{}", "tenantId"), Drop("reseller", "tenantId"), Drop("reseller", "marginPercent"), Set("reseller", "tenantId", "null"),
            Raw("child tenant", "{}", "name"), Drop("child tenant", "name"), Drop("child tenant", "ownerEmail"), Drop("child tenant", "ownerPassword"),
            Raw("apply", "{}", "displayName"), Drop("apply", "displayName"), Drop("apply", "contactEmail"), Drop("apply", "country"), Drop("apply", "payoutPreferences"),
            Set("apply", "payoutPreferences", "{}"), Set("apply", "payoutPreferences", "null"),
            Raw("listing", "{}", "marketplaceItemId"), Drop("listing", "marketplaceItemId"), Drop("listing", "commissionValue"),
            new Probe("listing patch", "commissionType without commissionValue", 400, """{"commissionType":"fixed"}""", Field: "commissionValue"),
        ],
        ["Huge strings (100k characters)"] =
        [
            Set("token", "email", Str(Huge)), Set("token", "password", Str(Huge)),
            Set("item", "name", Str(Huge)), Set("item", "description", Str(Huge)), Set("item", "currency", Str(Huge)),
            Set("item", "name", "\"" + string.Concat(Enumerable.Repeat("🚀", 100_000)) + "\""),
            Set("invoice mark-paid", "reference", Str(Huge)),
            Set("reseller", "tenantId", Str(Huge)),
            Set("child tenant", "name", Str(Huge)), Set("child tenant", "ownerEmail", Str(Huge + "@child.example")), Set("child tenant", "ownerPassword", Str(Huge)),
            Set("apply", "displayName", Str(Huge)), Set("apply", "contactEmail", Str("p@" + Huge + ".example")), Set("apply", "country", Str(Huge)),
            Set("apply", "payoutPreferences", $$"""{"method":{{Str(Huge)}}}"""), Set("apply", "payoutPreferences", $$"""{"method":"bank_transfer","accountHolder":{{Str(Huge)}},"iban":"DE89370400440532013000"}"""),
            Set("listing", "commissionType", Str(Huge)), Set("listing patch", "status", Str(Huge)),
            Set("payout mark-paid", "reference", Str(Huge)),
            Query("earnings", "?cursor=" + Huge, "cursor"), Query("earnings", "?from=" + Huge, "from"), Query("partners", "?q=" + Huge, "q"),
            At("install", "/api/marketplace/items/" + Huge + "/install"),
        ],
        ["Bodies over 1 MiB"] =
        [
            .. AllWrites.Select(e => new Probe(e, "1 MiB + 1 byte", 413, Body: Padded(e, OneMiB + 1))),
            new Probe("item", "exactly 1 MiB (not too large: the name is too long)", 400, Body: Padded("item", OneMiB), Field: "name"),
        ],
        ["Negative and overflowing amounts"] =
        [
            Set("item", "price", "-1"), Set("item", "price", "9223372036854775807"), Set("item", "price", "9223372036854775808"),
            Set("item", "price", "1e30"), Set("item", "price", "-9223372036854775808"), Set("item", "price", "100.5"),
            Set("listing", "commissionValue", "-1"), Set("listing", "commissionValue", "100.01"), Set("listing", "commissionValue", "1e30"),
            Set("listing", "commissionValue", "9223372036854775807"), Set("listing", "commissionValue", "20.001"),
            Fixed("listing", "-1"), Fixed("listing", "1.5"), Fixed("listing", "9223372036854775808"), Fixed("listing", "1e30"),
            Fixed("listing", "79228162514264337593543950336"),
            Set("listing patch", "commissionValue", "-1"), Set("listing patch", "commissionValue", "1e30"), Set("listing patch", "commissionValue", "100.001"),
            Fixed("listing patch", "9223372036854775808"), Fixed("listing patch", "-1"),
            Set("reseller", "marginPercent", "-1"), Set("reseller", "marginPercent", "100.01"), Set("reseller", "marginPercent", "1e30"),
            Set("reseller", "marginPercent", "9223372036854775807"), Set("reseller", "marginPercent", "10.001"),
        ],
        ["Unknown enum values and integers for enums"] =
        [
            Set("item", "type", "\"gadget\""), Set("item", "type", "0"), Set("item", "type", "\"1\""), Set("item", "type", "\"\""), Set("item", "type", "\"add-on\""),
            Set("listing", "commissionType", "\"percentage\""), Set("listing", "commissionType", "1"), Set("listing", "commissionType", "\"0\""), Set("listing", "commissionType", "\"\""),
            Set("listing patch", "status", "\"deleted\""), Set("listing patch", "status", "0"), Set("listing patch", "status", "\"1\""),
            Set("listing patch", "commissionType", "\"flat\""), Set("listing patch", "commissionType", "2"),
            Query("invoices", "?status=settled", "status"), Query("partners", "?status=deleted", "status"), Query("payouts", "?status=cancelled", "status"),
            Query("invoices", "?status=0", "status"), Query("partners", "?status=1", "status"), Query("payouts", "?status=99", "status"),
            Query("invoices", "?status=-1", "status"),
        ],
        ["Bad GUIDs in path and body"] =
        [
            At("install", "/api/marketplace/items/not-a-guid/install"), At("install", $"/api/marketplace/items/{Guid.Empty}/install"),
            At("install", $"/api/marketplace/items/{Guid.NewGuid()}/install"),
            At("invoice mark-paid", "/api/billing/invoices/not-a-guid/mark-paid"), At("invoice mark-paid", $"/api/billing/invoices/{Guid.NewGuid()}/mark-paid"),
            At("void", "/api/billing/invoices/12345/void"), At("void", $"/api/billing/invoices/{Guid.Empty}/void"),
            At("listing", "/api/partners/not-a-guid/listings"), At("listing", $"/api/partners/{Guid.NewGuid()}/listings"),
            At("listing patch", "/api/partners/{partner}/listings/not-a-guid"), At("listing patch", $"/api/partners/{{partner}}/listings/{Guid.NewGuid()}"),
            At("listing patch", $"/api/partners/{Guid.NewGuid()}/listings/{{listing}}"),
            At("payout mark-paid", "/api/partners/{partner}/payouts/not-a-guid/mark-paid"), At("payout mark-paid", $"/api/partners/{{partner}}/payouts/{Guid.NewGuid()}/mark-paid"),
            At("earnings", "/api/partners/00000000-0000-0000-0000-00000000000g/earnings"),
            Set("reseller", "tenantId", "\"not-a-guid\""), Set("reseller", "tenantId", "\"\""), Set("reseller", "tenantId", "\"00000000-0000-0000-0000-00000000000g\""),
            Set("reseller", "tenantId", $"\"{{{Guid.NewGuid()}}}\""),
            Set("reseller", "tenantId", $"\"{Guid.NewGuid()}\"", 404), Set("reseller", "tenantId", $"\"{Guid.Empty}\"", 404),
            Set("listing", "marketplaceItemId", "\"not-a-guid\""), Set("listing", "marketplaceItemId", "\"00000000000000000000000000000001\""),
            Set("listing", "marketplaceItemId", "\"\""), Set("listing", "marketplaceItemId", $"\"{Guid.NewGuid()}\"", 404),
            Query("invoices", "?tenantId=not-a-guid", "tenantId"), Query("audit", "?entityId=not-a-guid", "entityId"),
        ],
        ["Dates out of range in earnings filters"] =
        [
            .. new[] { "earnings", "my earnings" }.SelectMany(e => new[]
            {
                Query(e, "?from=0000-01-01", "from"), Query(e, "?from=10000-01-01", "from"), Query(e, "?to=2026-02-30", "to"),
                Query(e, "?to=2026-13-01", "to"), Query(e, "?from=2026-02-29", "from"), Query(e, "?from=2026-11-24T25:00:00Z", "from"),
                Query(e, "?from=-0001-01-01", "from"), Query(e, "?from=1e30", "from"), Query(e, "?from=0001-01-01T00:00:00%2B01:00", "from"),
                Query(e, "?to=9999-12-31T23:59:59.9999999-01:00", "to"), Query(e, "?from=2026-11-24&to=2026-11-23", "from"),
            }),
        ],
        ["Unicode and control characters"] =
        [
            Set("token", "email", Str("owner@acme.example\0")), Set("token", "email", Str("owner@acme.example\u202E")),
            Set("token", "email", "\"\\uD800@acme.example\""),
            Set("item", "currency", Str("U\0D")), Set("item", "currency", Str("ＵＳＤ")), Set("item", "currency", Str("US\u202E")),
            Set("item", "name", "\"a\\uD800b\""), new Probe("item", "invalid UTF-8 bytes in name", 400, Field: "name", Bytes: InvalidUtf8Item()),
            Set("apply", "country", Str("U\0")), Set("apply", "country", Str("ＵＳ")), Set("apply", "country", Str("\u202EUS")),
            Set("apply", "displayName", "\"\\uDFFF\""), Set("apply", "displayName", Str("Platform HQ\u200B")),
            Set("apply", "payoutPreferences", $$"""{"method":"bank_transfer","accountHolder":"Initech Ltd","iban":{{Str("\u202E00031302350440407389ED")}}}""", names: "payoutPreferences.iban"),
            Set("apply", "payoutPreferences", $$"""{"method":"bank_transfer","accountHolder":{{Str("Initech\u2067 Ltd")}},"iban":"DE89370400440532013000"}""", names: "payoutPreferences.accountHolder"),
            Set("apply", "payoutPreferences", $$"""{"method":"paypal","email":{{Str("pay\u200D@initech.example")}}}""", names: "payoutPreferences.email"),
            Set("child tenant", "name", Str("Platform HQ\u200B")), Set("item", "name", Str("Starter\u00ADTemplate")),
            Set("listing", "commissionType", Str("percent\0")), Set("listing patch", "status", Str("paused\u200B")),
            Set("reseller", "tenantId", Str(Guid.NewGuid().ToString().Insert(8, "\u202E"))),
            Query("earnings", "?from=%002026-01-01", "from"), Query("partners", "?status=approved%E2%80%AE", "status"),
        ],
        ["SQL injection strings"] =
        [
            Set("token", "email", Str(Sql), 401), Set("token", "email", Str("' OR '1'='1"), 401), Set("token", "email", Str("owner@acme.example'--"), 401),
            new Probe("token", "password " + Sql, 401, $$"""{"email":"owner@acme.example","password":{{Str(Sql)}}}"""),
            Set("item", "currency", Str(Sql)), Set("item", "type", Str(Sql)),
            Set("reseller", "tenantId", Str(Sql)), Set("child tenant", "ownerEmail", Str(Sql)),
            Set("apply", "country", Str(Sql)), Set("apply", "contactEmail", Str(Sql)),
            Set("listing", "marketplaceItemId", Str(Sql)), Set("listing", "commissionType", Str(Sql)), Set("listing patch", "status", Str(Sql)),
            At("install", "/api/marketplace/items/" + Uri.EscapeDataString(Sql) + "/install"),
            At("invoice mark-paid", "/api/billing/invoices/" + Uri.EscapeDataString("1 OR 1=1") + "/mark-paid"),
            At("listing", "/api/partners/" + Uri.EscapeDataString(Sql) + "/listings"),
            Query("earnings", "?from=" + Uri.EscapeDataString("2026-01-01' OR '1'='1"), "from"), Query("earnings", "?cursor=" + Uri.EscapeDataString(Sql), "cursor"),
            Query("invoices", "?tenantId=" + Uri.EscapeDataString(Sql), "tenantId"), Query("partners", "?status=" + Uri.EscapeDataString(Sql), "status"),
            Query("audit", "?entityId=" + Uri.EscapeDataString(Sql), "entityId"),
        ],
        ["Script injection strings"] =
        [
            Set("token", "email", Str(Script), 401),
            Set("item", "currency", Str(Script)), Set("item", "type", Str(Script)),
            Set("child tenant", "ownerEmail", Str(Script)), Set("reseller", "tenantId", Str(Script)),
            Set("apply", "contactEmail", Str(Script)), Set("apply", "country", Str(Script)),
            Set("listing", "commissionType", Str(Script)), Set("listing patch", "status", Str(Script)),
            At("install", "/api/marketplace/items/" + Uri.EscapeDataString(Script) + "/install"),
            Query("earnings", "?from=" + Uri.EscapeDataString(Script), "from"), Query("partners", "?status=" + Uri.EscapeDataString(Script), "status"),
        ],
    };

    private const int OneMiB = 1024 * 1024;

    public static TheoryData<string> CategoryNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Categories.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CategoryNames))]
    public async Task Hostile_input_gets_a_4xx_problem_and_writes_nothing(string category)
    {
        var probes = Categories[category];
        var failures = new List<string>();
        foreach (var probe in probes)
            if (await CheckAsync(probe) is { } failure) failures.Add(failure);

        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Length} {category} requests misbehaved:\n{string.Join("\n", failures)}");
        var endpoints = probes.Select(p => p.Endpoint).Distinct().Count();
        ReliabilityFigures.Record("Hostile input",
            $"{category}: {probes.Length} requests on {endpoints} endpoints, all 4xx problem details, 0 rows written");
    }

    /// <summary>Sends one probe; null when it was refused as expected and every table kept its row count.</summary>
    private async Task<string?> CheckAsync(Probe probe)
    {
        var label = $"[{probe.Endpoint}: {probe.What}]";
        using var client = await ClientAsync(Endpoints[probe.Endpoint].Caller);
        var before = await TableCounts.ReadAsync(state.Factory);
        var response = await client.SendAsync(BuildRequest(probe));
        var body = await response.Content.ReadAsStringAsync();
        var changes = before.Diff(await TableCounts.ReadAsync(state.Factory));

        var problems = new List<string>();
        if ((int)response.StatusCode != probe.Status) problems.Add($"status {(int)response.StatusCode}, expected {probe.Status}");
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") problems.Add($"content type {response.Content.Headers.ContentType}");
        else if (!HasTitleAndField(body, probe.Field, out var why)) problems.Add(why);
        if (changes.Length > 0) problems.Add($"wrote {changes}");
        return problems.Count == 0 ? null : $"{label} {string.Join("; ", problems)}: {Shorten(body)}";
    }

    private static bool HasTitleAndField(string body, string? field, out string why)
    {
        why = "";
        JsonElement json;
        try { json = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { why = "body is not JSON"; return false; }
        if (!json.TryGetProperty("title", out var title) || string.IsNullOrWhiteSpace(title.GetString())) { why = "no title"; return false; }
        if (field is null) return true;
        if (json.TryGetProperty("errors", out var errors)
            && errors.EnumerateObject().Any(e => e.Name.Contains(field, StringComparison.OrdinalIgnoreCase))) return true;
        why = $"errors do not name '{field}'";
        return false;
    }

    [Fact]
    public async Task Every_valid_request_the_hostile_ones_start_from_is_accepted()
    {
        // On an app of its own: these succeed and change the targets the hostile requests aim at.
        await using var fresh = new State();
        await fresh.InitializeAsync();
        foreach (var (name, endpoint) in Endpoints)
        {
            using var client = await ClientAsync(fresh, endpoint.Caller);
            var response = await client.SendAsync(BuildRequest(fresh, new Probe(name, "valid", 200, endpoint.ValidBody)));
            Assert.True(response.IsSuccessStatusCode, $"The valid {name} request answered {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync())}");
        }
    }

    /// <summary>
    /// The price bound is where sums stay exact: the largest accepted price, sold twice, still totals and pays
    /// out (a price of long.MaxValue used to be accepted and made both answer 500), and one more is refused.
    /// </summary>
    [Fact]
    public async Task The_largest_price_sells_twice_and_still_totals_and_pays_out_while_one_more_is_refused()
    {
        using var admin = await state.Factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync("/api/marketplace/items", new { name = "Too dear", type = "service", price = Amounts.MaxPrice + 1, currency = "USD" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var itemId = await PartnerFlows.PublishAsync(admin, "Dearest item", Amounts.MaxPrice);
        await PartnerFlows.CreateListingAsync(admin, state.Partner, itemId, "percent", 10);
        for (var sale = 0; sale < 2; sale++) await PartnerFlows.SellAsync(state.Factory, itemId, state.Partner);

        var earnings = await (await admin.GetAsync($"/api/partners/{state.Partner}/earnings?limit=1")).AssertJsonAsync(HttpStatusCode.OK);
        var usd = earnings.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("currency").GetString() == "USD");
        Assert.True(usd.GetProperty("grossAmount").GetInt64() >= 2 * Amounts.MaxPrice);
        var generated = await (await admin.PostAsync($"/api/partners/{state.Partner}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(2 * (Amounts.MaxPrice - Percentages.Of(Amounts.MaxPrice, 10)), generated.GetProperty("payouts")[0].GetProperty("amount").GetInt64());
        await TableCounts.SettleAsync(state.Factory);
    }

    /// <summary>Text that is valid however it looks: a partner's display name and contact e-mail, and an item name.</summary>
    [Fact]
    public async Task Hostile_looking_valid_text_is_stored_verbatim_and_rendered_escaped()
    {
        // Bidirectional overrides (U+202E …) are refused as input; right-to-left script itself is fine.
        const string displayName = "<script>alert('pwn')</script> '; DROP TABLE Tenants;-- Zoë 🚀 مرحبا gnp.exe";
        const string contactEmail = "<b>x</b>@globex.example";
        const string itemName = "<img src=x onerror=alert(1)> \" onmouseover=\"alert(2) 👩💻";
        var tenantsBefore = await Flows.QueryAsync(state.Factory, db => db.Tenants.CountAsync());

        using var globex = await state.Factory.ClientAsAsync(Demo.GlobexOwner);
        var applied = await (await globex.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName, contactEmail, country = "de", payoutPreferences = new { method = "bank_transfer", accountHolder = Script, iban = "DE89370400440532013000" },
        })).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal((displayName, contactEmail), (applied.GetProperty("displayName").GetString(), applied.GetProperty("contactEmail").GetString()));
        var partnerId = applied.GetProperty("id").GetGuid();
        var stored = await Flows.QueryAsync(state.Factory, db => db.PartnerAccounts.SingleAsync(p => p.Id == partnerId));
        Assert.Equal((displayName, contactEmail), (stored.DisplayName, stored.ContactEmail));

        using var admin = await state.Factory.ClientAsAsync(Demo.PlatformAdmin);
        var item = await (await admin.PostAsJsonAsync("/api/marketplace/items", new { name = itemName, type = "service", price = 100, currency = "EUR" }))
            .AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(itemName, item.GetProperty("name").GetString());
        var itemId = item.GetProperty("id").GetGuid();
        Assert.Equal(itemName, await Flows.QueryAsync(state.Factory, db => db.MarketplaceItems.Where(i => i.Id == itemId).Select(i => i.Name).SingleAsync()));
        await (await admin.PostAsJsonAsync($"/api/partners/{state.Partner}/listings", new { marketplaceItemId = itemId, commissionType = "percent", commissionValue = 10 }))
            .AssertJsonAsync(HttpStatusCode.Created);

        // The SQL string is a search term like any other: it finds the partner whose name contains it.
        var found = await (await admin.GetAsync("/api/partners?q=" + Uri.EscapeDataString(Sql))).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal([partnerId], found.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(tenantsBefore, await Flows.QueryAsync(state.Factory, db => db.Tenants.CountAsync()));

        var encoder = state.Factory.Services.GetRequiredService<HtmlEncoder>();
        using var browser = state.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var list = await browser.GetStringAsync("/dashboard/admin/partners");
        Assert.Contains(encoder.Encode(displayName), list);
        Assert.Contains(encoder.Encode(contactEmail), list);
        Assert.DoesNotContain("<script>alert('pwn')", list);
        Assert.DoesNotContain("<b>x</b>", list);
        var detail = await browser.GetStringAsync($"/dashboard/admin/partners/{state.Partner}");
        Assert.Contains(encoder.Encode(itemName), detail);
        Assert.DoesNotContain("<img src=x", detail);
        Assert.DoesNotContain("\" onmouseover=\"", detail);
        ReliabilityFigures.Record("Hostile input",
            "Valid text with script tags, SQL, emoji and bidi characters: stored verbatim, rendered HTML-encoded, 0 raw tags in the admin pages");
    }

    /// <summary>
    /// A NUL in free text (a display name) must never truncate, corrupt or break anything: the app either
    /// refuses it with a 400 that writes nothing, or keeps it byte for byte and renders it encoded.
    /// </summary>
    [Fact]
    public async Task A_control_character_in_free_text_is_refused_or_kept_verbatim_and_rendered_escaped()
    {
        const string name = "Umbrella\0Partner\u0007";
        using var umbrella = await state.Factory.ClientAsAsync(Demo.UmbrellaOwner);
        var before = await TableCounts.ReadAsync(state.Factory);
        var response = await umbrella.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName = name, contactEmail = "p@umbrella.example", country = "GB", payoutPreferences = new { method = "paypal", email = "p@umbrella.example" },
        });
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("", before.Diff(await TableCounts.ReadAsync(state.Factory)));
            return;
        }
        var id = (await response.AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.Equal(name, await Flows.QueryAsync(state.Factory, db => db.PartnerAccounts.Where(p => p.Id == id).Select(p => p.DisplayName).SingleAsync()));
        using var browser = state.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var html = await browser.GetStringAsync("/dashboard/admin/partners");
        Assert.Contains(state.Factory.Services.GetRequiredService<HtmlEncoder>().Encode(name), html);
        Assert.DoesNotContain('\0', html);
    }

    // ---- Webhook: what StripeWebhookTests does not cover yet (it has wrong secret, ±301 s, −299 s, missing, garbled, amount tampered).

    public static TheoryData<string> RefusedSignatureShapes() => new()
    {
        "one payload byte changed", "one signature hex digit changed", "v1 missing", "only a v0 signature", "no timestamp",
        "two v1, both wrong", "v1 of the body without the timestamp",
    };

    [Theory]
    [MemberData(nameof(RefusedSignatureShapes))]
    public async Task Webhook_signatures_of_the_wrong_shape_are_400_and_write_nothing(string shape)
    {
        var invoiceId = await state.OpenInvoiceAsync();
        var payload = StripeSigner.InvoicePaid($"evt_shape_{Guid.NewGuid():N}", invoiceId, 4900);
        var now = DateTimeOffset.UtcNow;
        var good = StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, now);
        var t = good.Split(',')[0];
        var v1 = good.Split(',')[1]["v1=".Length..];
        var wrong = StripeSigner.Header(payload, "whsec_other", now).Split(',')[1]["v1=".Length..];
        var (body, header) = shape switch
        {
            "one payload byte changed" => (payload.Replace("evt_shape_", "evt_shapE_"), good),
            "one signature hex digit changed" => (payload, $"{t},v1={Flip(v1)}"),
            "v1 missing" => (payload, t),
            "only a v0 signature" => (payload, $"{t},v0={v1}"),
            "no timestamp" => (payload, $"v1={v1}"),
            "two v1, both wrong" => (payload, $"{t},v1={wrong},v1={Flip(v1)}"),
            _ => (payload, $"{t},v1={Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(PartnerWebFactory.WebhookSecret), Encoding.UTF8.GetBytes(payload)))}"),
        };
        if (body == payload) Assert.NotEqual(good, header);
        using var anonymous = state.Factory.CreateApiClient();
        var before = await TableCounts.ReadAsync(state.Factory);

        await (await Flows.PostWebhookAsync(anonymous, body, header)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("", before.Diff(await TableCounts.ReadAsync(state.Factory)));
        Assert.Equal(InvoiceStatus.Open, await state.InvoiceStatusAsync(invoiceId));
        ReliabilityFigures.Record("Hostile input", $"Webhook signature '{shape}': 400 problem details, 0 rows written");

        static string Flip(string hex) => (hex[0] == '0' ? '1' : '0') + hex[1..];
    }

    [Theory]
    [InlineData("wrong first, right second")]
    [InlineData("right first, wrong second")]
    public async Task A_header_with_several_v1_signatures_is_accepted_when_one_is_right(string order)
    {
        // Stripe sends one v1 per active secret while a secret is being rolled; any match verifies.
        var invoiceId = await state.OpenInvoiceAsync();
        var payload = StripeSigner.InvoicePaid($"evt_roll_{Guid.NewGuid():N}", invoiceId, 4900);
        var now = DateTimeOffset.UtcNow;
        var good = StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, now).Split(',');
        var wrong = StripeSigner.Header(payload, "whsec_previous_secret", now).Split(',')[1];
        var header = order.StartsWith("wrong") ? $"{good[0]},{wrong},{good[1]}" : $"{good[0]},{good[1]},{wrong}";
        using var anonymous = state.Factory.CreateApiClient();

        var answer = await (await Flows.PostWebhookAsync(anonymous, payload, header)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("paid", answer.GetProperty("outcome").GetString());
        Assert.Equal(InvoiceStatus.Paid, await state.InvoiceStatusAsync(invoiceId));
        await TableCounts.SettleAsync(state.Factory);
    }

    /// <summary>
    /// Correctly signed events whose contents are hostile: spec §7.2 answers 200 for an invoice that is not ours
    /// ("ignored", nothing written) and audits a mismatch; an amount Stripe.net cannot read is a 400. None pays.
    /// </summary>
    [Fact]
    public async Task Signed_events_with_hostile_contents_never_pay_and_ignored_ones_write_nothing()
    {
        using var anonymous = state.Factory.CreateApiClient();
        string InvoicePaid(string invoiceIdJson, string amountJson, string currency = "usd") => StripeSigner.Event($"evt_h_{Guid.NewGuid():N}", "invoice.paid",
            $$$"""{"object":"invoice","id":"in_h","amount_paid":{{{amountJson}}},"currency":"{{{currency}}}","metadata":{"invoiceId":{{{invoiceIdJson}}}}}""");

        var ignored = new[] { Str(Sql), Str(Script), Str(Huge[..50_000]), Str("not-a-guid"), Str($"{Guid.NewGuid()}\0"), "null" };
        foreach (var invoiceId in ignored)
        {
            var before = await TableCounts.ReadAsync(state.Factory);
            var answer = await (await Flows.PostSignedWebhookAsync(anonymous, InvoicePaid(invoiceId, "4900"))).AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("ignored", answer.GetProperty("outcome").GetString());
            Assert.True(before.Diff(await TableCounts.ReadAsync(state.Factory)) == "", $"invoiceId {Shorten(invoiceId)} wrote rows");
        }

        var amounts = new[] { "-1", "0", "9223372036854775807", "9223372036854775808", "1e30", "4900.5", "-4900" };
        foreach (var amount in amounts)
        {
            var invoiceId = await state.OpenInvoiceAsync();
            var response = await Flows.PostSignedWebhookAsync(anonymous, InvoicePaid(Str(invoiceId.ToString()), amount));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"amount_paid {amount}: {(int)response.StatusCode} {Shorten(body)}");
            if (response.StatusCode == HttpStatusCode.OK)
                Assert.Equal("mismatch", JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString());
            else
                await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(InvoiceStatus.Open, await state.InvoiceStatusAsync(invoiceId));
            Assert.Equal(0, await Flows.QueryAsync(state.Factory, db => db.AccrualTasks.CountAsync(t => t.InvoiceId == invoiceId)));
        }
        ReliabilityFigures.Record("Hostile input",
            $"Signed webhook events: {ignored.Length} hostile invoice ids ignored with 0 rows written; {amounts.Length} hostile amounts, 0 invoices paid");
    }

    // ---- Building requests.

    private static Probe Raw(string endpoint, string body, string? field = null) => new(endpoint, "body " + Shorten(body, 40), 400, body, Field: field);

    /// <param name="names">The field the 400 must name, when it is not <paramref name="field"/> itself but one inside it.</param>
    private static Probe Set(string endpoint, string field, string rawJson, int status = 400, string? names = null) =>
        new(endpoint, $"{field} = {Shorten(rawJson, 40)}", status, With(endpoint, o => o[field] = Slot, rawJson), Field: status == 400 ? names ?? field : null);

    private static Probe Drop(string endpoint, string field) =>
        new(endpoint, $"{field} missing", 400, With(endpoint, o => o.Remove(field)), Field: field);

    private static Probe Fixed(string endpoint, string value) =>
        new(endpoint, $"fixed commission {value}", 400, With(endpoint, o => { o["commissionType"] = "fixed"; o["commissionValue"] = Slot; }, value), Field: "commissionValue");

    private static Probe At(string endpoint, string path) => new(endpoint, "path " + Shorten(path, 70), 404, Endpoints[endpoint].ValidBody, Path: path);

    private static Probe Query(string endpoint, string query, string field) =>
        new(endpoint, "query " + Shorten(query, 60), 400, Path: Endpoints[endpoint].Path.Split('?')[0] + query, Field: field);

    private const string Slot = "<raw value>";

    /// <summary>The endpoint's valid body, changed; a property set to <see cref="Slot"/> gets <paramref name="raw"/> verbatim (even invalid JSON text).</summary>
    private static string With(string endpoint, Action<JsonObject> change, string? raw = null)
    {
        var json = JsonNode.Parse(Endpoints[endpoint].ValidBody!)!.AsObject();
        change(json);
        var text = json.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return raw is null ? text : text.Replace(JsonSerializer.Serialize(Slot, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), raw);
    }

    private static string Str(string text) => JsonSerializer.Serialize(text);

    /// <summary>The endpoint's valid body (or a JSON object) padded with a long first property to exactly <paramref name="bytes"/> UTF-8 bytes.</summary>
    private static string Padded(string endpoint, int bytes)
    {
        var valid = Endpoints[endpoint].ValidBody is { } body && body.StartsWith('{') ? body : "{}";
        var prefix = endpoint == "item" ? "{\"name\":\"" : "{\"padding\":\"";
        var rest = endpoint == "item" ? "\"," + valid[1..].Replace("\"name\":\"Hostile item\",", "") : valid.Length > 2 ? "\"," + valid[1..] : "\"}";
        var text = prefix + new string('p', bytes - Encoding.UTF8.GetByteCount(prefix + rest)) + rest;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(text));
        return text;
    }

    private static byte[] InvalidUtf8Item() =>
        [.. "{\"name\":\"a"u8, 0xFF, 0xC3, 0x28, .. "b\",\"type\":\"addon\",\"price\":1,\"currency\":\"USD\"}"u8];

    private HttpRequestMessage BuildRequest(Probe probe) => BuildRequest(state, probe);

    private static HttpRequestMessage BuildRequest(State state, Probe probe)
    {
        var endpoint = Endpoints[probe.Endpoint];
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), state.Fill(probe.Path ?? endpoint.Path));
        if (probe.Bytes is { } bytes)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new(probe.ContentType);
        }
        else if (probe.Body is { } body)
        {
            var filled = state.Fill(body);
            request.Content = new StringContent(filled, Encoding.UTF8);
            request.Content.Headers.ContentType = new(probe.ContentType) { CharSet = probe.ContentType == "application/json" ? null : "utf-8" };
            if (probe.Endpoint == "webhook")
                request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSigner.Header(filled, PartnerWebFactory.WebhookSecret, DateTimeOffset.UtcNow));
        }
        return request;
    }

    private Task<HttpClient> ClientAsync(Caller caller) => ClientAsync(state, caller);

    private static async Task<HttpClient> ClientAsync(State state, Caller caller) => caller switch
    {
        Caller.Anonymous => state.Factory.CreateApiClient(),
        Caller.AcmeAdmin => await state.Factory.ClientAsAsync(Demo.AcmeAdmin),
        Caller.AcmeOwner => await state.Factory.ClientAsAsync(Demo.AcmeOwner),
        Caller.InitechOwner => await state.Factory.ClientAsAsync(Demo.InitechOwner),
        Caller.UmbrellaOwner => await state.Factory.ClientAsAsync(Demo.UmbrellaOwner),
        _ => await state.Factory.ClientAsAsync(Demo.PlatformAdmin),
    };

    private static string Shorten(string text, int max = 300) => text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";

    /// <summary>
    /// One app for the class. Acme is an approved partner with a listing of its CRM add-on (percent 20), an
    /// approved payout and earnings; the platform published an unlisted item; Globex has open invoices; a fresh
    /// tenant waits to become a reseller. Initech has not applied and Umbrella's child tenant name is free.
    /// </summary>
    public sealed class State : IAsyncLifetime, IAsyncDisposable
    {
        public PartnerWebFactory Factory { get; } = PartnerWebFactory.On(null, new Dictionary<string, string?>
        {
            ["RateLimiting:PartnerWrites:PermitLimit"] = "100000",
        });

        public Guid Partner { get; private set; }
        private readonly Dictionary<string, string> _ids = [];

        public string Fill(string text)
        {
            foreach (var (name, value) in _ids) text = text.Replace("{" + name + "}", value);
            return text;
        }

        public async Task InitializeAsync()
        {
            Partner = await PartnerFlows.ApprovedPartnerAsync(Factory, Demo.AcmeOwner);
            using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
            var acmeItem = await Flows.ItemIdAsync(Factory, "Acme CRM Add-on");
            var listing = await PartnerFlows.CreateListingAsync(admin, Partner, acmeItem, "percent", 20);
            await PartnerFlows.SellAsync(Factory, acmeItem, Partner);
            var payout = (await (await admin.PostAsync($"/api/partners/{Partner}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created))
                .GetProperty("payouts")[0].GetProperty("id").GetGuid();
            await (await admin.PostAsync($"/api/partners/{Partner}/payouts/{payout}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
            var unlisted = await PartnerFlows.PublishAsync(admin, "Unlisted platform item", 2500);

            var tenant = await Flows.QueryAsync(Factory, async db =>
            {
                var t = new Tenant { Id = Guid.CreateVersion7(), Name = "Hostile reseller candidate", CreatedAt = DateTime.UtcNow };
                db.Tenants.Add(t);
                await db.SaveChangesAsync();
                return t.Id;
            });
            var invoice = await OpenInvoiceAsync();
            var voidable = await OpenInvoiceAsync();
            var webhookInvoice = await OpenInvoiceAsync();

            _ids["partner"] = Partner.ToString();
            _ids["listing"] = listing.GetProperty("id").GetGuid().ToString();
            _ids["payout"] = payout.ToString();
            _ids["item"] = acmeItem.ToString();
            _ids["unlisted"] = unlisted.ToString();
            _ids["tenant"] = tenant.ToString();
            _ids["invoice"] = invoice.ToString();
            _ids["voidable"] = voidable.ToString();
            _ids["webhook"] = StripeSigner.InvoicePaid("evt_hostile_valid", webhookInvoice, 4900);
            await TableCounts.SettleAsync(Factory);
        }

        /// <summary>A new open invoice of Globex for the platform's template (4900 USD).</summary>
        public async Task<Guid> OpenInvoiceAsync()
        {
            using var globex = await Factory.ClientAsAsync(Demo.GlobexOwner);
            return await Flows.InstallAsync(globex, await Flows.TemplateIdAsync(Factory));
        }

        public Task<InvoiceStatus> InvoiceStatusAsync(Guid id) =>
            Flows.QueryAsync(Factory, db => db.Invoices.Where(i => i.Id == id).Select(i => i.Status).SingleAsync());

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
    }
}
