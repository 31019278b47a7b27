using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Security issue item 8: payout preferences are checked per method, every string in them (and in names) is free
/// of control, direction and invisible characters, names are NFKC-normalised, and a partner changes its contact
/// email and preferences with PATCH /api/partners/{id}, audited. A refusal is a 400 naming the field and writes nothing.
/// </summary>
public sealed class PayoutPreferencesTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private const string Iban = "DE89370400440532013000";

    private Task<(int Partners, int Tenants, int Audit)> CountsAsync() => Flows.QueryAsync(factory, async db =>
        (await db.PartnerAccounts.CountAsync(), await db.Tenants.CountAsync(), await db.AuditEvents.CountAsync()));

    private static string Application(string preferences, string displayName = "\"Child Partner\"") =>
        $$"""{"displayName":{{displayName}},"contactEmail":"p@child.example","country":"DE","payoutPreferences":{{preferences}}}""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static TheoryData<string, string, string> BadApplications() => new()
    {
        { "RLO-reversed IBAN", Application($$"""{"method":"bank_transfer","accountHolder":"Child Ltd","iban":"\u202E{{new string(Iban.Reverse().ToArray())}}"}"""), "payoutPreferences.iban" },
        { "reversed IBAN", Application($$"""{"method":"bank_transfer","accountHolder":"Child Ltd","iban":"{{new string(Iban.Reverse().ToArray())}}"}"""), "payoutPreferences.iban" },
        { "bidi isolate in accountHolder", Application($$"""{"method":"bank_transfer","accountHolder":"Child\u2067 Ltd","iban":"{{Iban}}"}"""), "payoutPreferences.accountHolder" },
        { "zero-width space in displayName", Application("""{"method":"stripe_connect"}""", "\"Platform HQ\\u200B\""), "displayName" },
        { "unknown key", Application($$"""{"method":"bank_transfer","accountHolder":"Child Ltd","iban":"{{Iban}}","bic":"COBADEFFXXX"}"""), "payoutPreferences.bic" },
        { "unknown key before the method", Application("""{"swift":"x","method":"stripe_connect"}"""), "payoutPreferences.swift" },
        { "missing iban", Application("""{"method":"bank_transfer","accountHolder":"Child Ltd"}"""), "payoutPreferences.iban" },
        { "missing accountHolder", Application($$"""{"method":"bank_transfer","iban":"{{Iban}}"}"""), "payoutPreferences.accountHolder" },
        { "bad mod-97", Application("""{"method":"bank_transfer","accountHolder":"Child Ltd","iban":"DE89370400440532013001"}"""), "payoutPreferences.iban" },
        { "paypal without email", Application("""{"method":"paypal"}"""), "payoutPreferences.email" },
        { "paypal with a bad email", Application("""{"method":"paypal","email":"not-an-email"}"""), "payoutPreferences.email" },
        { "unknown method", Application("""{"method":"bank","iban":"x"}"""), "payoutPreferences" },
        { "no method", Application($$"""{"iban":"{{Iban}}"}"""), "payoutPreferences" },
        { "method not a string", Application("""{"method":5}"""), "payoutPreferences" },
    };

    [Theory]
    [MemberData(nameof(BadApplications))]
    public async Task A_bad_application_is_400_naming_the_field_and_writes_nothing(string what, string body, string field)
    {
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var before = await CountsAsync();
        var problem = await (await child.PostAsync("/api/partners/apply", Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(errors.Contains(field), $"{what}: errors name {string.Join(", ", errors)}, not {field}");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_hidden_character_is_refused_for_what_it_is_and_other_errors_keep_their_own_messages()
    {
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        var hidden = await (await child.PostAsync("/api/partners/apply", Json(Application(
            $$"""{"method":"bank_transfer","accountHolder":"Child Ltd","iban":"\u202E{{Iban}}"}""")))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("invisible formatting characters", hidden.GetProperty("errors").GetProperty("payoutPreferences.iban")[0].GetString());

        var country = await (await child.PostAsync("/api/partners/apply", Json(Application("""{"method":"stripe_connect"}""").Replace("\"DE\"", "\"z\""))))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("characters", country.ToString());
        Assert.True(country.GetProperty("errors").TryGetProperty("country", out _), country.ToString());
    }

    /// <summary>The page's apply form: a hidden character gets the filter's answer, a bad country the form's own message.</summary>
    [Fact]
    public async Task The_apply_page_refuses_hidden_characters_and_shows_other_errors_as_its_own()
    {
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.GlobexOwner, PartnerWebFactory.Password);
        var token = await CookieLogin.AntiforgeryTokenAsync(browser, "/dashboard/partners");
        var before = await CountsAsync();
        Task<HttpResponseMessage> ApplyAsync(string displayName, string country) => browser.PostAsync("/dashboard/partners/apply", new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["DisplayName"] = displayName, ["ContactEmail"] = "p@globex.example", ["Country"] = country,
                ["PayoutMethod"] = "paypal", ["PayPalEmail"] = "pay@globex.example",
            }));

        var hidden = await ApplyAsync("Globex\u200B", "US");
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        Assert.Contains("invisible formatting characters", await hidden.Content.ReadAsStringAsync());

        var country = await ApplyAsync("Globex", "z");
        var html = await country.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, country.StatusCode);
        Assert.Contains("Country is a two-letter code", html);
        Assert.DoesNotContain("invisible formatting characters", html);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Valid_preferences_of_each_method_are_stored_normalised()
    {
        using (var child = await Flows.ChildTenantOwnerAsync(factory))
        {
            // The method may come last; the IBAN is stored without spaces, upper-case; names become NFKC.
            var applied = await (await child.PostAsync("/api/partners/apply", Json(Application(
                """{"accountHolder":"  Ｃｈｉｌｄ Ｌｔｄ ","iban":"de89 3704 0044 0532 0130 00","method":"bank_transfer"}""", "\"  Ｃｈｉｌｄ Ｐａｒｔｎｅｒ \"")))).AssertJsonAsync(HttpStatusCode.Created);
            Assert.Equal("Child Partner", applied.GetProperty("displayName").GetString());
            var id = applied.GetProperty("id").GetGuid();
            var stored = await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == id).Select(p => new { p.DisplayName, p.PayoutPreferences }).SingleAsync());
            Assert.Equal("Child Partner", stored.DisplayName);
            Assert.Equal($$"""{"method":"bank_transfer","accountHolder":"Child Ltd","iban":"{{Iban}}"}""", stored.PayoutPreferences);
            var preferences = applied.GetProperty("payoutPreferences");
            Assert.Equal(("bank_transfer", Iban), (preferences.GetProperty("method").GetString(), preferences.GetProperty("iban").GetString()));
            var audit = await Flows.QueryAsync(factory, db => db.AuditEvents.SingleAsync(a => a.EntityId == id && a.Action == AuditActions.PartnerApplied));
            Assert.DoesNotContain(Iban, audit.Data);
            Assert.Contains("\"ibanLast4\":\"3000\"", audit.Data);
        }
        using (var child = await Flows.ChildTenantOwnerAsync(factory))
        {
            var applied = await (await child.PostAsync("/api/partners/apply", Json(Application("""{"method":"stripe_connect"}""")))).AssertJsonAsync(HttpStatusCode.Created);
            Assert.Equal("""{"method":"stripe_connect"}""", applied.GetProperty("payoutPreferences").GetRawText());
        }
        using (var child = await Flows.ChildTenantOwnerAsync(factory))
        {
            var applied = await (await child.PostAsync("/api/partners/apply", Json(Application("""{"method":"paypal","email":" pay@child.example "}""")))).AssertJsonAsync(HttpStatusCode.Created);
            Assert.Equal("""{"method":"paypal","email":"pay@child.example"}""", applied.GetProperty("payoutPreferences").GetRawText());
        }
    }

    [Fact]
    public async Task Tenant_names_refuse_hidden_characters_and_are_normalised_before_the_uniqueness_check()
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var before = await CountsAsync();
        var hidden = await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants", new { name = "Platform HQ\u200B", ownerEmail = "zw@child.example", ownerPassword = "Child-owner-pass!1" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(hidden.GetProperty("errors").TryGetProperty("name", out _), hidden.ToString());
        // Fullwidth letters are the same name as the platform's own: a conflict, not a look-alike tenant.
        await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants", new { name = "Ｐｌａｔｆｏｒｍ ＨＱ", ownerEmail = "fw@child.example", ownerPassword = "Child-owner-pass!1" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before, await CountsAsync());

        var created = await (await umbrella.PostAsJsonAsync("/api/resellers/me/tenants", new { name = "Ｆｕｌｌｗｉｄｔｈ Ｃｏ", ownerEmail = "fw2@child.example", ownerPassword = "Child-owner-pass!1" }))
            .AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("Fullwidth Co", created.GetProperty("tenant").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Item_names_refuse_hidden_characters_and_are_normalised()
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync("/api/marketplace/items", new { name = "Starter\u200DTemplate", type = "template", price = 100, currency = "USD" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var item = await (await admin.PostAsJsonAsync("/api/marketplace/items", new { name = "ﬁne Ｔｅｍｐｌａｔｅ", type = "template", price = 100, currency = "USD" }))
            .AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("fine Template", item.GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_partner_changes_its_contact_email_and_preferences_audited_without_the_whole_IBAN()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var acme = await factory.ClientAsAsync(Demo.AcmeAdmin);
        var updated = await (await acme.PatchAsJsonAsync($"/api/partners/{partnerId}", new
        {
            contactEmail = " billing@acme.example ",
            payoutPreferences = new { method = "bank_transfer", accountHolder = "Acme Templates Ltd", iban = "GB82 WEST 1234 5698 7654 32" },
        })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("billing@acme.example", updated.GetProperty("contactEmail").GetString());
        Assert.Equal("GB82WEST12345698765432", updated.GetProperty("payoutPreferences").GetProperty("iban").GetString());

        var audit = await Flows.QueryAsync(factory, db => db.AuditEvents.Where(a => a.EntityId == partnerId && a.Action == AuditActions.PartnerUpdated)
            .OrderByDescending(a => a.CreatedAt).FirstAsync());
        using var data = JsonDocument.Parse(audit.Data);
        Assert.Equal(["contactEmail", "payoutPreferences"], data.RootElement.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("5432", data.RootElement.GetProperty("payoutPreferences").GetProperty("ibanLast4").GetString());
        Assert.DoesNotContain("GB82WEST", audit.Data);

        // Only the contact email: the preferences stay.
        var again = await (await acme.PatchAsJsonAsync($"/api/partners/{partnerId}", new { contactEmail = "partners@acme.example" })).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("GB82WEST12345698765432", again.GetProperty("payoutPreferences").GetProperty("iban").GetString());

        // A platform admin may change them too; the old PUT route goes through the same rule.
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PatchAsJsonAsync($"/api/partners/{partnerId}", new { payoutPreferences = new { method = "paypal", email = "pay@acme.example" } }))
            .AssertJsonAsync(HttpStatusCode.OK);
        await (await admin.PutAsync($"/api/partners/{partnerId}/payout-preferences", Json("""{"method":"bank_transfer","accountHolder":"Acme","iban":"DE89370400440532013001"}""")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var put = await (await admin.PutAsync($"/api/partners/{partnerId}/payout-preferences", Json("""{"method":"stripe_connect"}"""))).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("stripe_connect", put.GetProperty("payoutPreferences").GetProperty("method").GetString());
    }

    public static TheoryData<string, string, string> BadUpdates() => new()
    {
        { "RLO-reversed IBAN", $$$"""{"payoutPreferences":{"method":"bank_transfer","accountHolder":"Acme","iban":"\u202E{{{new string(Iban.Reverse().ToArray())}}}"}}""", "payoutPreferences.iban" },
        { "bidi in accountHolder", $$$"""{"payoutPreferences":{"method":"bank_transfer","accountHolder":"Acme\u202B Ltd","iban":"{{{Iban}}}"}}""", "payoutPreferences.accountHolder" },
        { "unknown key", """{"payoutPreferences":{"method":"stripe_connect","accountId":"acct_1"}}""", "payoutPreferences.accountId" },
        { "unknown top-level key", """{"contactEmail":"a@acme.example","displayName":"Renamed"}""", "displayName" },
        { "bad mod-97", """{"payoutPreferences":{"method":"bank_transfer","accountHolder":"Acme","iban":"GB82WEST12345698765433"}}""", "payoutPreferences.iban" },
        { "paypal without email", """{"payoutPreferences":{"method":"paypal"}}""", "payoutPreferences.email" },
        { "bad contact email", """{"contactEmail":"nope"}""", "contactEmail" },
        { "nothing to change", "{}", "contactEmail" },
    };

    [Theory]
    [MemberData(nameof(BadUpdates))]
    public async Task A_bad_update_is_400_naming_the_field_and_writes_nothing(string what, string body, string field)
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        var before = await Flows.QueryAsync(factory, async db => (await db.PartnerAccounts.AsNoTracking().SingleAsync(p => p.Id == partnerId), await db.AuditEvents.CountAsync()));
        var response = await acme.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/partners/{partnerId}") { Content = Json(body) });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(errors.Contains(field), $"{what}: errors name {string.Join(", ", errors)}, not {field}");
        var after = await Flows.QueryAsync(factory, async db => (await db.PartnerAccounts.AsNoTracking().SingleAsync(p => p.Id == partnerId), await db.AuditEvents.CountAsync()));
        Assert.Equal((before.Item1.ContactEmail, before.Item1.PayoutPreferences, before.Item2), (after.Item1.ContactEmail, after.Item1.PayoutPreferences, after.Item2));
    }

    [Fact]
    public async Task Another_tenant_gets_404_and_staff_403_and_neither_writes()
    {
        var partnerId = await factory.AcmePartnerAsync();
        var before = await CountsAsync();
        var body = new { contactEmail = "takeover@initech.example" };
        using var initech = await factory.ClientAsAsync(Demo.InitechOwner);
        await (await initech.PatchAsJsonAsync($"/api/partners/{partnerId}", body)).AssertProblemAsync(HttpStatusCode.NotFound);
        using var staff = await factory.ClientAsAsync(Demo.AcmeStaff);
        await (await staff.PatchAsJsonAsync($"/api/partners/{partnerId}", body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await CountsAsync());
        Assert.NotEqual("takeover@initech.example", await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == partnerId).Select(p => p.ContactEmail).SingleAsync()));
    }

    [Fact]
    public async Task Preferences_stored_before_the_rules_show_as_other_with_hidden_characters_made_visible()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == partnerId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PayoutPreferences, "{\"method\":\"wise\",\"account\":\"\u202E0003\"}")));
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(browser, Demo.PlatformAdmin, PartnerWebFactory.Password);
        var page = await browser.GetStringAsync($"/dashboard/admin/partners/{partnerId}");
        var encoder = factory.Services.GetRequiredService<HtmlEncoder>();
        Assert.Contains("<dd id=\"payout-method\">other</dd>", page);
        Assert.Contains($"<dt>Stored as</dt><dd class=\"payout-detail\">{encoder.Encode("{\"method\":\"wise\",\"account\":\"[U+202E]0003\"}")}</dd>", page);
        Assert.DoesNotContain("\u202E", page, StringComparison.Ordinal);

        // A known method with a reversed IBAN from before the check: spelled out and marked, never shown as it would read.
        await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == partnerId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PayoutPreferences, "{\"method\":\"bank_transfer\",\"iban\":\"\u202E00031302350440407389ED\"}")));
        page = await browser.GetStringAsync($"/dashboard/admin/partners/{partnerId}");
        Assert.Contains($"<dt>IBAN</dt><dd class=\"payout-detail\">{encoder.Encode("[U+202E]00031302350440407389ED (not a valid IBAN)")}</dd>", page);
        Assert.DoesNotContain("\u202E", page, StringComparison.Ordinal);
    }
}
