using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 18: the partner's forms (apply, publish, contact and payout details), the admin's listing form and the
/// earnings filter. A 400 re-renders the form with what was typed and the message beside its field, writes
/// nothing, and only text that really holds hidden characters gets that message.
/// </summary>
public sealed class PartnerFormsTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private const string ControlMessage = "control, direction or invisible formatting characters";

    /// <summary>Everything a form could write: items, partner accounts, listings and audit events.</summary>
    private Task<string> StateAsync() => Flows.QueryAsync(factory, async db => string.Join("|",
        await db.MarketplaceItems.CountAsync(),
        string.Join(",", await db.PartnerAccounts.OrderBy(p => p.Id).Select(p => p.ContactEmail + p.PayoutPreferences).ToListAsync()),
        string.Join(",", await db.PartnerListings.OrderBy(l => l.Id).Select(l => $"{l.CommissionType}{l.CommissionPercent}{l.CommissionFixedAmount}{l.Status}").ToListAsync()),
        await db.AuditEvents.CountAsync()));

    private sealed record Browser(HttpClient Client, string Token) : IDisposable
    {
        public Task<HttpResponseMessage> PostAsync(string url, Dictionary<string, string> fields, bool htmx = true)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = Token }),
            };
            if (htmx) request.Headers.Add("HX-Request", "true");
            return Client.SendAsync(request);
        }

        public Task<HttpResponseMessage> GetAsync(string url, string? trigger = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (trigger is not null)
            {
                request.Headers.Add("HX-Request", "true");
                request.Headers.Add("HX-Trigger", trigger);
            }
            return Client.SendAsync(request);
        }

        public void Dispose() => Client.Dispose();
    }

    private async Task<Browser> SignInAsync(string email, string page)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        return new Browser(client, await CookieLogin.AntiforgeryTokenAsync(client, page));
    }

    /// <summary>The HTML of a 400 that writes nothing.</summary>
    private async Task<string> RefusedAsync(Func<Task<HttpResponseMessage>> post)
    {
        var before = await StateAsync();
        var response = await post();
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {html}");
        Assert.Equal(before, await StateAsync());
        return html;
    }

    /// <summary>The field's input and the messages right after it, up to the next label: "beside its field".</summary>
    private static string Beside(string html, string inputId)
    {
        var match = Regex.Match(html, $"<input[^>]*id=\"{inputId}\".*?(?=<label|<fieldset|<div|<button)", RegexOptions.Singleline);
        Assert.True(match.Success, $"no #{inputId} in {html}");
        return match.Value;
    }

    private static Dictionary<string, string> Item(string price, string currency = "USD", string name = "Form Kit") =>
        new() { ["Name"] = name, ["Type"] = "addon", ["Price"] = price, ["Currency"] = currency, ["Description"] = "A kit" };

    [Theory]
    [InlineData("abc", "USD", "PublishPrice", "price must be a number such as 49.00, with a dot for decimals.")]
    [InlineData("-5.00", "USD", "PublishPrice", "price must not be negative.")]
    [InlineData("49.00", "XYZ", "PublishCurrency", "currency must be an ISO 4217 code, such as USD.")]
    [InlineData("1.5", "JPY", "PublishPrice", "price in JPY has no decimals.")]
    public async Task A_refused_item_keeps_the_input_with_the_message_beside_its_field(string price, string currency, string field, string message)
    {
        await factory.AcmePartnerAsync();
        using var acme = await SignInAsync(Demo.AcmeOwner, "/dashboard/partners");
        var html = await RefusedAsync(() => acme.PostAsync("/dashboard/partners/items", Item(price, currency)));
        Assert.Contains("id=\"publish\"", html);
        Assert.Contains(message, Beside(html, field));
        Assert.Contains($"value=\"{price}\"", Beside(html, "PublishPrice"));
        Assert.Contains($"value=\"{currency}\"", Beside(html, "PublishCurrency"));
        Assert.Contains("value=\"Form Kit\"", html);
        Assert.Contains("<option value=\"addon\" selected=\"selected\">", html);
        Assert.DoesNotContain(ControlMessage, html);
    }

    [Fact]
    public async Task A_hidden_character_in_the_item_name_is_refused_beside_the_name_and_the_form_stays()
    {
        await factory.AcmePartnerAsync();
        using var acme = await SignInAsync(Demo.AcmeOwner, "/dashboard/partners");
        var html = await RefusedAsync(() => acme.PostAsync("/dashboard/partners/items", Item("49.00", name: "Form\u202EKit")));
        Assert.Contains(ControlMessage, Beside(html, "PublishName"));
        Assert.Contains("value=\"49.00\"", Beside(html, "PublishPrice"));
    }

    [Fact]
    public async Task The_partner_publishes_in_major_units_and_the_listings_card_offers_the_item()
    {
        await factory.AcmePartnerAsync();
        using var acme = await SignInAsync(Demo.AcmeOwner, "/dashboard/partners");
        var response = await acme.PostAsync("/dashboard/partners/items", Item("49.5", name: "Published Form Kit"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Published “Published Form Kit” at $49.50", html);
        Assert.Equal("listings-changed", response.Headers.GetValues("HX-Trigger").Single());

        var item = await Flows.QueryAsync(factory, db => db.MarketplaceItems.SingleAsync(i => i.Name == "Published Form Kit"));
        Assert.Equal((4950L, "USD", ItemType.Addon), (item.Price, item.Currency, item.Type));
        Assert.True(await Flows.QueryAsync(factory, db => db.AuditEvents.AnyAsync(a => a.EntityId == item.Id && a.Action == AuditActions.MarketplaceItemCreated)));
        var listings = await (await acme.GetAsync("/dashboard/partners/listings", "listings")).Content.ReadAsStringAsync();
        Assert.Contains($"<option value=\"{item.Id}\">Published Form Kit ($49.50)</option>", listings);
    }

    [Fact]
    public async Task A_partner_that_is_not_approved_sees_no_publish_form_and_its_post_is_refused()
    {
        using (var initech = await factory.ClientAsAsync(Demo.InitechOwner))
            await (await initech.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Pending Forms"))).AssertJsonAsync(HttpStatusCode.Created);
        using var pending = await SignInAsync(Demo.InitechOwner, "/dashboard/partners");
        Assert.DoesNotContain("id=\"publish\"", await pending.Client.GetStringAsync("/dashboard/partners"));
        var before = await StateAsync();
        var response = await pending.PostAsync("/dashboard/partners/items", Item("10.00"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("approved partners", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await StateAsync());
    }

    public static TheoryData<string, Dictionary<string, string>, string, string> BadProfiles() => new()
    {
        { "bad IBAN", new() { ["ContactEmail"] = "partners@acme.example", ["PayoutMethod"] = "bank_transfer", ["AccountHolder"] = "Acme Ltd", ["Iban"] = "DE89370400440532013001" },
            "ProfileIban", "iban must be a valid IBAN" },
        { "bad contact email", new() { ["ContactEmail"] = "not-an-email", ["PayoutMethod"] = "stripe_connect" },
            "ProfileContactEmail", "Contact email is not a valid email address." },
        { "PayPal without email", new() { ["ContactEmail"] = "partners@acme.example", ["PayoutMethod"] = "paypal", ["PayPalEmail"] = "nope" },
            "ProfilePayPalEmail", "email is required: the PayPal account" },
        { "hidden character in the account holder", new() { ["ContactEmail"] = "partners@acme.example", ["PayoutMethod"] = "bank_transfer", ["AccountHolder"] = "Acme\u2067 Ltd", ["Iban"] = "DE89370400440532013000" },
            "ProfileAccountHolder", ControlMessage },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task A_refused_profile_keeps_the_input_with_the_message_beside_its_field(string what, Dictionary<string, string> fields, string field, string message)
    {
        await factory.AcmePartnerAsync();
        using var acme = await SignInAsync(Demo.AcmeOwner, "/dashboard/partners");
        var html = await RefusedAsync(() => acme.PostAsync("/dashboard/partners/profile", fields));
        Assert.Contains("id=\"partner-profile\"", html);
        Assert.True(Beside(html, field).Contains(message), $"{what}: no \"{message}\" beside #{field} in {html}");
        foreach (var (name, value) in fields.Where(f => f.Key != "PayoutMethod"))
            Assert.Contains($"value=\"{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(value)}\"", html);
        Assert.Contains($"value=\"{fields["PayoutMethod"]}\" checked=\"checked\"", html);
        Assert.Contains("<details class=\"edit-profile\" open=\"open\">", html);
        if (message != ControlMessage) Assert.DoesNotContain(ControlMessage, html);
    }

    [Fact]
    public async Task The_partner_switches_to_PayPal_and_back_to_bank_transfer_and_sees_only_the_last_four_of_its_IBAN()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var acme = await SignInAsync(Demo.AcmeOwner, "/dashboard/partners");
        var paypal = await acme.PostAsync("/dashboard/partners/profile", new() { ["ContactEmail"] = "payouts@acme.example", ["PayoutMethod"] = "paypal", ["PayPalEmail"] = "pay@acme.example" });
        var html = await paypal.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, paypal.StatusCode);
        Assert.Contains("<dd>PayPal</dd>", html);
        Assert.Contains("<dd>pay@acme.example</dd>", html);
        Assert.Contains("<dd>payouts@acme.example</dd>", html);
        var stored = await Flows.QueryAsync(factory, db => db.PartnerAccounts.Where(p => p.Id == partnerId).Select(p => new { p.ContactEmail, p.PayoutPreferences }).SingleAsync());
        Assert.Equal(("payouts@acme.example", """{"method":"paypal","email":"pay@acme.example"}"""), (stored.ContactEmail, stored.PayoutPreferences));

        var bank = await acme.PostAsync("/dashboard/partners/profile", new()
        {
            ["ContactEmail"] = "payouts@acme.example", ["PayoutMethod"] = "bank_transfer", ["AccountHolder"] = "Acme Templates Ltd", ["Iban"] = "GB82 WEST 1234 5698 7654 32",
        });
        html = await bank.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, bank.StatusCode);
        Assert.Contains("<dd class=\"mono\">ending in 5432</dd>", System.Net.WebUtility.HtmlDecode(html));
        Assert.DoesNotContain("GB82", html);
        Assert.DoesNotContain("WEST1234", html);
        // The email did not change the second time: the audit event names only the preferences.
        var audit = await Flows.QueryAsync(factory, db => db.AuditEvents.Where(a => a.EntityId == partnerId && a.Action == AuditActions.PartnerUpdated)
            .OrderByDescending(a => a.CreatedAt).FirstAsync());
        Assert.Contains("\"changed\":[\"payoutPreferences\"]", audit.Data);
        Assert.DoesNotContain("GB82WEST", audit.Data);
        // The whole page (a reload) shows the same, masked.
        var page = await acme.Client.GetStringAsync("/dashboard/partners");
        Assert.Contains("ending in 5432", System.Net.WebUtility.HtmlDecode(page));
        Assert.DoesNotContain("GB82", page);
    }

    [Theory]
    [InlineData("z", "Country", "Country is a two-letter code, such as US.", "partners@globex.example")]
    [InlineData("DE", "ContactEmail", "Contact email is not a valid email address.", "not-an-email")]
    public async Task A_refused_application_keeps_the_input_with_the_message_beside_its_field(string country, string field, string message, string email)
    {
        using var globex = await SignInAsync(Demo.GlobexOwner, "/dashboard/partners");
        var html = await RefusedAsync(() => globex.PostAsync("/dashboard/partners/apply", new()
        {
            ["DisplayName"] = "Globex Forms", ["ContactEmail"] = email, ["Country"] = country, ["PayoutMethod"] = "paypal", ["PayPalEmail"] = "pay@globex.example",
        }));
        Assert.Contains(message, Beside(html, field));
        Assert.Contains($"value=\"{country}\"", Beside(html, "Country"));
        Assert.Contains($"value=\"{email}\"", Beside(html, "ContactEmail"));
        Assert.Contains("value=\"Globex Forms\"", html);
        Assert.DoesNotContain(ControlMessage, html);
    }

    [Theory]
    [InlineData("abc", "The value &#x27;abc&#x27; is not valid")]
    [InlineData("150", "A percent commission must be between 0 and 100")]
    public async Task A_refused_commission_keeps_the_listings_card_and_the_input_with_its_message(string value, string message)
    {
        var partnerId = await factory.AcmePartnerAsync();
        var listingId = await Flows.QueryAsync(factory, db => db.PartnerListings.Where(l => l.PartnerId == partnerId).Select(l => l.Id).FirstAsync());
        using var admin = await SignInAsync(Demo.PlatformAdmin, $"/dashboard/admin/partners/{partnerId}");
        var html = await RefusedAsync(() => admin.PostAsync($"/dashboard/admin/partners/{partnerId}/listings/{listingId}",
            new() { ["commissionType"] = "percent", ["commissionValue"] = value }));
        Assert.StartsWith("<section class=\"card\" id=\"listings\"", html.Trim());
        var row = Regex.Match(html, $"<tr id=\"listing-{listingId}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains($"value=\"{value}\"", row);
        Assert.Contains(message, row);
        Assert.DoesNotContain(ControlMessage, html);

        // The new-listing form too.
        var itemId = await Flows.TemplateIdAsync(factory);
        html = await RefusedAsync(() => admin.PostAsync($"/dashboard/admin/partners/{partnerId}/listings",
            new() { ["marketplaceItemId"] = itemId.ToString(), ["commissionType"] = "percent", ["commissionValue"] = value }));
        var create = Regex.Match(html, "<form class=\"create-form\".*?</form>", RegexOptions.Singleline).Value;
        Assert.Contains($"value=\"{value}\"", create);
        Assert.Contains($"<option value=\"{itemId}\" selected=\"selected\">", create);
        Assert.Contains(message, create);
    }

    [Fact]
    public async Task The_earnings_filter_goes_into_the_address_bar_and_a_bad_one_is_a_readable_400()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var acme = await SignInAsync(Demo.AcmeOwner, "/dashboard/partners");
        var filtered = await acme.GetAsync("/dashboard/partners/earnings?from=2026-01-01&to=2026-01-31", "earnings-filter");
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Equal("/dashboard/partners?from=2026-01-01&to=2026-01-31", filtered.Headers.GetValues("HX-Push-Url").Single());
        // The section's own refresh (after a payout) keeps the filter and does not add a history entry.
        var refreshed = await acme.GetAsync("/dashboard/partners/earnings?from=2026-01-01", "earnings");
        Assert.False(refreshed.Headers.Contains("HX-Push-Url"));
        Assert.Contains("hx-get=\"/dashboard/partners/earnings?from=2026-01-01\"", await refreshed.Content.ReadAsStringAsync());

        var reload = await acme.Client.GetAsync("/dashboard/partners?from=2026-01-01&to=2026-01-31");
        var page = await reload.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Contains("name=\"from\" value=\"2026-01-01\"", page);
        Assert.Contains("href=\"/dashboard/partners/earnings.csv?from=2026-01-01&amp;to=2026-01-31\"", page);

        var bad = await acme.GetAsync("/dashboard/partners/earnings?from=2026-02-10&to=2026-02-01", "earnings-filter");
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.False(bad.Headers.Contains("HX-Push-Url"));
        Assert.Contains("from must not be after to.", badHtml);
        Assert.Contains("name=\"from\" value=\"2026-02-10\"", badHtml);

        var badLink = await acme.Client.GetAsync("/dashboard/partners?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, badLink.StatusCode);
        Assert.Contains("from must be a date (2026-11-24)", await badLink.Content.ReadAsStringAsync());

        using var admin = await SignInAsync(Demo.PlatformAdmin, $"/dashboard/admin/partners/{partnerId}");
        var adminFiltered = await admin.GetAsync($"/dashboard/admin/partners/{partnerId}/earnings?from=2026-01-01", "earnings-filter");
        Assert.Equal($"/dashboard/admin/partners/{partnerId}?from=2026-01-01", adminFiltered.Headers.GetValues("HX-Push-Url").Single());
        var adminBad = await admin.Client.GetAsync($"/dashboard/admin/partners/{partnerId}?to=soon");
        Assert.Equal(HttpStatusCode.BadRequest, adminBad.StatusCode);
        Assert.Contains("to must be a date (2026-11-24)", await adminBad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_hidden_character_in_a_form_that_does_not_show_its_own_errors_lands_in_the_flash_area()
    {
        var partnerId = await factory.AcmePartnerAsync();
        using var admin = await SignInAsync(Demo.PlatformAdmin, "/dashboard/admin/partners");
        var response = await admin.PostAsync($"/dashboard/admin/partners/{partnerId}/suspend", new() { ["reason"] = "late\u202E" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("#flash", "outerHTML"), (response.Headers.GetValues("HX-Retarget").Single(), response.Headers.GetValues("HX-Reswap").Single()));
        Assert.Contains($"<div id=\"flash\" class=\"error flash\" role=\"alert\">The input contains {ControlMessage}.</div>", await response.Content.ReadAsStringAsync());
    }
}
