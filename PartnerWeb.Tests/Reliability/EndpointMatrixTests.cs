using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// Spec §3, §5–§7: every /api endpoint outside /api/partners (PartnerRoleMatrixTests has those) × every
/// kind of caller × ids of the caller's own tenant and of another tenant, in one table. A refusal must be
/// problem+json and write nothing (row counts of every table, and the status mix of invoices, compared before
/// and after); so must every read. A success must say the right thing (the caller's own rows, the row asked for).
/// </summary>
public sealed class EndpointMatrixTests(EndpointMatrixTests.State state) : IClassFixture<EndpointMatrixTests.State>
{
    /// <summary>The columns. "Own tenant" is Acme Templates; "another tenant" is Globex.</summary>
    public enum Caller { Anonymous, AcmeStaff, AcmeAdmin, GlobexOwner, PlatformStaff, PlatformAdmin }

    // Acme is an approved partner (so its admin may publish) with a Stripe connected account, and a reseller with a child tenant whose paid
    // invoice earned it a commission; Umbrella is a reseller with a child and a commission too. Variants name the
    // id that is sent: {acme invoice} is an open invoice of Acme — a fresh one for every case of a mutating row —,
    // {globex event} an audit event of Globex, {fresh tenant} a tenant made for the case, and so on.
    // Token and webhook are anonymous endpoints: the caller's bearer token, if any, must make no difference.
    private static readonly Row[] Matrix =
    [
        //                                                                                 anon  acme   acme  globex pltf   pltf
        //   method and route                              variant                               staff  admin owner  staff  admin
        new("POST /api/auth/token",                        "Acme admin's password",         200,  200,  200,  200,  200,  200),
        new("POST /api/auth/token",                        "wrong password",                401,  401,  401,  401,  401,  401),
        new("GET /api/auth/me",                            "",                              401,  200,  200,  200,  200,  200),
        new("POST /api/auth/logout",                       "",                              401,  204,  204,  204,  204,  204),
        new("GET /api/audit",                              "",                              401,  403,  200,  200,  403,  200),
        new("GET /api/audit",                              "?tenantId={acme}",              401,  403,  200,  200,  403,  200),
        new("GET /api/audit/{id}",                         "{acme event}",                  401,  403,  200,  404,  403,  200),
        new("GET /api/audit/{id}",                         "{globex event}",                401,  403,  404,  200,  403,  200),
        new("GET /api/marketplace/items",                  "",                              401,  200,  200,  200,  200,  200),
        new("POST /api/marketplace/items",                 "",                              401,  403,  201,  403,  403,  201),
        new("POST /api/marketplace/items/{id}/install",    "{acme item}",                   401,  403,  201,  201,  403,  201),
        new("POST /api/marketplace/items/{id}/install",    "{unknown item}",                401,  403,  404,  404,  403,  404),
        new("GET /api/marketplace/installs",               "",                              401,  200,  200,  200,  200,  200),
        new("GET /api/billing/invoices",                   "",                              401,  200,  200,  200,  200,  200),
        new("GET /api/billing/invoices",                   "?tenantId={acme}",              401,  200,  200,  200,  200,  200),
        new("GET /api/billing/invoices/{id}",              "{acme invoice}",                401,  200,  200,  404,  404,  200),
        new("GET /api/billing/invoices/{id}",              "{globex invoice}",              401,  404,  404,  200,  404,  200),
        // This app has no Stripe:SecretKey, so an allowed start is 503 (CheckoutTests run one against a fake Stripe).
        new("POST /api/billing/invoices/{id}/checkout",    "{acme invoice}",                401,  403,  503,  404,  403,  404),
        new("POST /api/billing/invoices/{id}/checkout",    "{globex invoice}",              401,  403,  404,  503,  403,  404),
        new("POST /api/billing/invoices/{id}/mark-paid",   "{acme invoice}",                401,  403,  403,  403,  403,  200),
        new("POST /api/billing/invoices/{id}/mark-paid",   "{globex invoice}",              401,  403,  403,  403,  403,  200),
        new("POST /api/billing/invoices/{id}/refund",      "{acme paid invoice}",           401,  403,  403,  403,  403,  200),
        new("POST /api/billing/invoices/{id}/refund",      "{globex paid invoice}",         401,  403,  403,  403,  403,  200),
        new("POST /api/billing/invoices/{id}/void",        "{acme invoice}",                401,  403,  403,  403,  403,  200),
        new("POST /api/billing/invoices/{id}/void",        "{globex invoice}",              401,  403,  403,  403,  403,  200),
        new("POST /api/billing/stripe/webhook",            "signed, pays {acme invoice}",   200,  200,  200,  200,  200,  200),
        new("POST /api/billing/stripe/webhook",            "unsigned, {acme invoice}",      400,  400,  400,  400,  400,  400),
        new("POST /api/billing/stripe/connect-webhook",    "signed, {acme stripe account}", 200,  200,  200,  200,  200,  200),
        new("POST /api/billing/stripe/connect-webhook",    "unsigned, {acme stripe account}",400, 400,  400,  400,  400,  400),
        new("POST /api/resellers",                         "{fresh tenant}",                401,  403,  403,  403,  403,  201),
        new("POST /api/resellers",                         "{umbrella}, already a reseller",401,  403,  403,  403,  403,  409),
        new("POST /api/resellers",                         "{unknown tenant}",              401,  403,  403,  403,  403,  404),
        new("POST /api/resellers/me/tenants",              "",                              401,  403,  201,  404,  403,  404),
        new("GET /api/resellers/me/tenants",               "",                              401,  403,  200,  404,  403,  404),
        new("GET /api/resellers/me/commissions",           "",                              401,  403,  200,  404,  403,  404),
        new("GET /api/admin/dead-tasks",                   "",                              401,  403,  403,  403,  403,  200),
        new("GET /api/billing/overpayments",               "",                              401,  403,  403,  403,  403,  200),
        new("POST /api/admin/dead-tasks/{id}/retry",       "{unknown task}",                401,  403,  403,  403,  403,  404),
        new("POST /api/auth/password",                     "wrong current password",        401,  400,  400,  400,  400,  400),
        // Users: owners everything, admins staff only (a platform admin's /me is the platform tenant), {tenantId} routes platform admins.
        new("GET /api/tenants/me/users",                   "",                              401,  403,  200,  200,  403,  200),
        new("POST /api/tenants/me/users",                  "staff",                         401,  403,  201,  201,  403,  201),
        new("POST /api/tenants/me/users",                  "owner",                         401,  403,  403,  201,  403,  403),
        new("PATCH /api/tenants/me/users/{id}",            "{acme staff} to admin",         401,  403,  403,  404,  403,  404),
        new("PATCH /api/tenants/me/users/{id}",            "{globex staff} to admin",       401,  403,  404,  200,  403,  404),
        new("DELETE /api/tenants/me/users/{id}",           "{acme staff}",                  401,  403,  204,  404,  403,  404),
        new("DELETE /api/tenants/me/users/{id}",           "{globex staff}",                401,  403,  404,  204,  403,  404),
        new("GET /api/tenants/{tenantId}/users",           "{acme}",                        401,  403,  403,  403,  403,  200),
        new("GET /api/tenants/{tenantId}/users",           "{unknown tenant}",              401,  403,  403,  403,  403,  404),
        new("POST /api/tenants/{tenantId}/users",          "{acme}, owner",                 401,  403,  403,  403,  403,  201),
        new("PATCH /api/tenants/{tenantId}/users/{id}",    "{acme}, {acme staff} to admin", 401,  403,  403,  403,  403,  200),
        new("PATCH /api/tenants/{tenantId}/users/{id}",    "{acme}, {globex staff}",        401,  403,  403,  403,  403,  404),
        new("DELETE /api/tenants/{tenantId}/users/{id}",   "{acme}, {acme staff}",          401,  403,  403,  403,  403,  204),
    ];

    private sealed record Row(string Endpoint, string Variant, int Anonymous, int AcmeStaff, int AcmeAdmin, int GlobexOwner, int PlatformStaff, int PlatformAdmin)
    {
        public int[] ByCaller => [Anonymous, AcmeStaff, AcmeAdmin, GlobexOwner, PlatformStaff, PlatformAdmin];
        public string Method => Endpoint.Split(' ')[0];
        public string Route => Endpoint.Split(' ')[1];
        public string Name => Variant.Length == 0 ? Endpoint : $"{Endpoint} [{Variant}]";
        public bool Writes => Method != "GET" && Route != "/api/auth/token";
    }

    public static TheoryData<string, Caller, int> Cases()
    {
        var data = new TheoryData<string, Caller, int>();
        foreach (var row in Matrix)
            foreach (var caller in Enum.GetValues<Caller>())
                data.Add(row.Name, caller, row.ByCaller[(int)caller]);
        return data;
    }

    [Fact]
    public void The_matrix_has_a_row_for_every_non_partner_api_route_of_the_app_and_no_other()
    {
        var app = state.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["(any method)"])
                .Select(method => Normalize(method, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(route => !route.Contains(" /api/partners", StringComparison.Ordinal))
            .Distinct().Order().ToList();
        var rows = Matrix.Select(r => Normalize(r.Method, r.Route)).Distinct().Order().ToList();

        Assert.True(app.Count >= 16, $"Found only {app.Count} non-partner /api routes: {string.Join(", ", app)}");
        Assert.True(app.SequenceEqual(rows),
            $"Routes of the app without a row: {string.Join(", ", app.Except(rows))}\nRows without a route: {string.Join(", ", rows.Except(app))}");
        ReliabilityFigures.Record("Role × endpoint × tenant matrix",
            $"{app.Count} non-partner /api routes, all in the table: {Matrix.Length} rows × {Enum.GetValues<Caller>().Length} callers = {Matrix.Length * Enum.GetValues<Caller>().Length} cases");

        // "{id:guid}" and "{id}" both become "{}".
        static string Normalize(string method, string route) => $"{method} {Regex.Replace(route, @"\{[^}]*\}", "{}")}";
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_gets_the_status_of_the_matrix(string rowName, Caller caller, int expected)
    {
        var row = Matrix.Single(r => r.Name == rowName);
        var label = $"[{caller} → {row.Name}]";
        var target = await ArrangeAsync(row);
        using var client = await ClientAsync(caller);
        var before = await TableCounts.ReadAsync(state.Factory);

        var response = await client.SendAsync(target.Request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{label} expected {expected}, got {(int)response.StatusCode}: {body}");

        if (expected >= 400)
            await response.AssertProblemAsync((HttpStatusCode)expected);
        else if (expected == 204)
            await (row.Endpoint == "POST /api/auth/logout"
                ? VerifyLogoutAsync(caller, client, body, label)
                : VerifySuccessAsync(row, caller, target, default, label));
        else
            await VerifySuccessAsync(row, caller, target, await response.AssertJsonAsync((HttpStatusCode)expected), label);

        if (expected >= 400 || !row.Writes)
        {
            var changes = before.Diff(await TableCounts.ReadAsync(state.Factory));
            Assert.True(changes.Length == 0, $"{label} answered {expected} but wrote: {changes}");
        }
    }

    private sealed record Target(HttpRequestMessage Request, Guid? Id = null, string? Name = null);

    /// <summary>The request of the row, with a fresh target where the row changes one.</summary>
    private async Task<Target> ArrangeAsync(Row row)
    {
        switch (row.Endpoint, row.Variant)
        {
            case ("POST /api/auth/token", var variant):
                return new(Json("POST", row.Route, new { email = Demo.AcmeAdmin, password = variant == "wrong password" ? "Wrong!2345" : PartnerWebFactory.Password }));
            case ("GET /api/audit", ""):
                return new(Get("/api/audit?limit=200"));
            case ("GET /api/audit", "?tenantId={acme}"):
                return new(Get($"/api/audit?limit=200&tenantId={state.Acme}"));
            case ("GET /api/audit/{id}", var variant):
                var eventId = variant == "{acme event}" ? state.AcmeEvent : state.GlobexEvent;
                return new(Get($"/api/audit/{eventId}"), eventId);
            case ("GET /api/marketplace/items", ""):
                return new(Get("/api/marketplace/items?limit=200"));
            case ("POST /api/marketplace/items", ""):
                var name = $"Matrix item {Guid.NewGuid():N}";
                return new(Json("POST", row.Route, new { name, type = "addon", price = 700, currency = "USD" }), Name: name);
            case ("POST /api/marketplace/items/{id}/install", var variant):
                var itemId = variant == "{acme item}" ? state.AcmeItem : Guid.NewGuid();
                return new(new HttpRequestMessage(HttpMethod.Post, $"/api/marketplace/items/{itemId}/install"), itemId);
            case ("GET /api/marketplace/installs", ""):
                return new(Get("/api/marketplace/installs?limit=200"));
            case ("GET /api/billing/invoices", ""):
                return new(Get("/api/billing/invoices?limit=200"));
            case ("GET /api/billing/invoices", "?tenantId={acme}"):
                return new(Get($"/api/billing/invoices?limit=200&tenantId={state.Acme}"));
            case ("GET /api/billing/invoices/{id}", var variant):
                var invoiceId = variant == "{acme invoice}" ? state.AcmeInvoice : state.GlobexInvoice;
                return new(Get($"/api/billing/invoices/{invoiceId}"), invoiceId);
            case ("POST /api/billing/invoices/{id}/checkout", var variant):
                var toPay = variant == "{acme invoice}" ? state.AcmeInvoice : state.GlobexInvoice;
                return new(new HttpRequestMessage(HttpMethod.Post, row.Route.Replace("{id}", toPay.ToString())), toPay);
            case ("POST /api/billing/invoices/{id}/mark-paid" or "POST /api/billing/invoices/{id}/void", var variant):
                var open = await state.OpenInvoiceAsync(variant == "{acme invoice}" ? Demo.AcmeAdmin : Demo.GlobexOwner);
                var path = row.Route.Replace("{id}", open.ToString());
                return new(row.Route.EndsWith("/mark-paid") ? Json("POST", path, new { reference = "matrix" }) : new HttpRequestMessage(HttpMethod.Post, path), open);
            case ("POST /api/billing/invoices/{id}/refund", var variant):
                var toRefund = await state.OpenInvoiceAsync(variant == "{acme paid invoice}" ? Demo.AcmeAdmin : Demo.GlobexOwner);
                using (var payer = await state.Factory.ClientAsAsync(Demo.PlatformAdmin))
                    await (await payer.PostAsJsonAsync($"/api/billing/invoices/{toRefund}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
                return new(Json("POST", row.Route.Replace("{id}", toRefund.ToString()), new { reason = "matrix" }), toRefund);
            case ("POST /api/billing/stripe/webhook", var variant):
                var paid = await state.OpenInvoiceAsync(Demo.AcmeAdmin);
                var payload = StripeSigner.InvoicePaid($"evt_matrix_{Guid.NewGuid():N}", paid, 4900);
                var webhook = new HttpRequestMessage(HttpMethod.Post, row.Route) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                if (variant.StartsWith("signed"))
                    webhook.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, DateTimeOffset.UtcNow));
                return new(webhook, paid);
            case ("POST /api/billing/stripe/connect-webhook", var variant):
                // Each case turns payouts the other way, so each signed one has something to update.
                var payoutsEnabled = !await Flows.QueryAsync(state.Factory, db => db.PartnerStripeAccounts
                    .Where(a => a.AccountId == state.AcmeStripeAccount).Select(a => a.PayoutsEnabled).SingleAsync());
                var update = StripeObjects.AccountUpdated($"evt_matrix_{Guid.NewGuid():N}", StripeObjects.Account(state.AcmeStripeAccount, "US",
                    "partners@example.com", new(), payoutsEnabled, currentlyDue: []), new() { ["payouts_enabled"] = !payoutsEnabled });
                var connect = new HttpRequestMessage(HttpMethod.Post, row.Route) { Content = new StringContent(update, Encoding.UTF8, "application/json") };
                if (variant.StartsWith("signed"))
                    connect.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSigner.Header(update, PartnerWebFactory.ConnectWebhookSecret, DateTimeOffset.UtcNow));
                return new(connect, Name: payoutsEnabled.ToString());
            case ("POST /api/resellers", var variant):
                var tenantId = variant switch
                {
                    "{fresh tenant}" => await state.FreshTenantAsync(),
                    "{unknown tenant}" => Guid.NewGuid(),
                    _ => state.Umbrella,
                };
                return new(Json("POST", row.Route, new { tenantId, marginPercent = 12.5m }), tenantId);
            case ("POST /api/resellers/me/tenants", ""):
                var suffix = Guid.NewGuid().ToString("N")[..10];
                return new(Json("POST", row.Route, new { name = $"Matrix child {suffix}", ownerEmail = $"owner-{suffix}@child.example", ownerPassword = Flows.ResellerChosenPassword }),
                    Name: $"Matrix child {suffix}");
            case ("POST /api/admin/dead-tasks/{id}/retry", _):
                var unknownTask = Guid.NewGuid();
                return new(new HttpRequestMessage(HttpMethod.Post, row.Route.Replace("{id}", unknownTask.ToString())), unknownTask);
            case ("GET /api/admin/dead-tasks" or "GET /api/billing/overpayments", ""):
                return new(Get(row.Route));
            case ("GET /api/auth/me" or "GET /api/resellers/me/tenants" or "GET /api/resellers/me/commissions", ""):
                return new(Get(row.Route));
            case ("POST /api/auth/logout", ""):
                return new(new HttpRequestMessage(HttpMethod.Post, row.Route));
            case ("POST /api/auth/password", _):
                return new(Json("POST", row.Route, new { currentPassword = "Not-the-password!1", newPassword = "A-new-password!123" }));
            case ("GET /api/tenants/me/users", ""):
                return new(Get("/api/tenants/me/users?limit=200"));
            case ("GET /api/tenants/{tenantId}/users", var variant):
                var listed = variant == "{acme}" ? state.Acme : Guid.NewGuid();
                return new(Get($"/api/tenants/{listed}/users?limit=200"), listed);
            case ("POST /api/tenants/me/users" or "POST /api/tenants/{tenantId}/users", var variant):
                var newEmail = $"matrix-{Guid.NewGuid():N}@users.example";
                var role = variant.EndsWith("owner") ? "owner" : "staff";
                return new(Json("POST", row.Route.Replace("{tenantId}", state.Acme.ToString()), new { email = newEmail, role, password = "Matrix-user-password!1" }), Name: $"{newEmail} {role}");
            case ("PATCH /api/tenants/me/users/{id}" or "PATCH /api/tenants/{tenantId}/users/{id}" or "DELETE /api/tenants/me/users/{id}" or "DELETE /api/tenants/{tenantId}/users/{id}", var variant):
                var userId = await state.FreshStaffAsync(variant.Contains("{globex staff}") ? state.Globex : state.Acme);
                var userPath = row.Route.Replace("{tenantId}", state.Acme.ToString()).Replace("{id}", userId.ToString());
                return new(row.Method == "PATCH" ? Json("PATCH", userPath, new { role = "admin" }) : new HttpRequestMessage(HttpMethod.Delete, userPath), userId);
            default:
                throw new InvalidOperationException($"No arrangement for {row.Name}");
        }

        static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);
        static HttpRequestMessage Json(string method, string path, object body) => new(new HttpMethod(method), path) { Content = JsonContent.Create(body) };
    }

    /// <summary>What each success must say, so that a 2xx from the wrong branch, or with another tenant's rows, fails.</summary>
    private async Task VerifySuccessAsync(Row row, Caller caller, Target target, JsonElement json, string label)
    {
        var tenant = state.TenantOf(caller);
        IEnumerable<JsonElement> Items() => json.GetProperty("items").EnumerateArray();
        Guid G(JsonElement e, string name) => e.GetProperty(name).GetGuid();
        string S(JsonElement e, string name) => e.GetProperty(name).GetString()!;
        void OnlyTenant(Guid expectedTenant, string property = "tenantId") =>
            Assert.True(Items().All(i => G(i, property) == expectedTenant), $"{label} returned rows of another tenant: {json}");
        void Has(Guid id, bool expectedPresent = true) =>
            Assert.True(Items().Any(i => G(i, "id") == id) == expectedPresent, $"{label} {(expectedPresent ? "misses" : "leaks")} {id}: {json}");

        switch (row.Endpoint, row.Variant)
        {
            case ("POST /api/auth/token", _):
                Assert.Equal("Bearer", S(json, "tokenType"));
                Assert.False(string.IsNullOrEmpty(S(json, "accessToken")));
                Assert.Equal(Demo.AcmeAdmin, S(json.GetProperty("user"), "email"));
                break;
            case ("GET /api/auth/me", _):
                Assert.Equal(EmailOf(caller), S(json, "email"));
                Assert.Equal(tenant, G(json, "tenantId"));
                Assert.Equal(caller == Caller.PlatformAdmin, json.GetProperty("isPlatformAdmin").GetBoolean());
                break;
            case ("GET /api/audit", var variant):
                if (caller != Caller.PlatformAdmin) OnlyTenant(tenant);
                else if (variant != "") OnlyTenant(state.Acme);
                Has(state.AcmeEvent, caller is Caller.AcmeAdmin or Caller.PlatformAdmin);
                Has(state.GlobexEvent, variant == "" && caller is Caller.GlobexOwner or Caller.PlatformAdmin);
                break;
            case ("GET /api/audit/{id}" or "GET /api/billing/invoices/{id}", _):
                Assert.Equal(target.Id, G(json, "id"));
                break;
            case ("GET /api/marketplace/items", _):
                Has(state.AcmeItem);
                break;
            case ("GET /api/admin/dead-tasks" or "GET /api/billing/overpayments", _):
                Assert.Empty(Items());
                break;
            case ("POST /api/marketplace/items", _):
                Assert.Equal(target.Name, S(json, "name"));
                Assert.Equal(tenant, G(json, "publisherTenantId"));
                break;
            case ("POST /api/marketplace/items/{id}/install", _):
                Assert.Equal((tenant, target.Id), (G(json.GetProperty("install"), "tenantId"), G(json.GetProperty("install"), "marketplaceItemId")));
                Assert.Equal((tenant, "open"), (G(json.GetProperty("invoice"), "tenantId"), S(json.GetProperty("invoice"), "status")));
                break;
            case ("GET /api/marketplace/installs", _):
                OnlyTenant(tenant);
                Has(state.AcmeInstall, tenant == state.Acme);
                break;
            case ("GET /api/billing/invoices", var variant):
                if (caller != Caller.PlatformAdmin) OnlyTenant(tenant);
                if (variant != "") OnlyTenant(state.Acme);
                Has(state.AcmeInvoice, tenant == state.Acme || caller == Caller.PlatformAdmin);
                Has(state.GlobexInvoice, variant == "" && caller is Caller.GlobexOwner or Caller.PlatformAdmin);
                break;
            case ("POST /api/billing/invoices/{id}/mark-paid", _):
                Assert.Equal((target.Id, "paid", "manual"), (G(json, "id"), S(json, "status"), S(json, "paymentMethod")));
                break;
            case ("POST /api/billing/invoices/{id}/void", _):
                Assert.Equal((target.Id, "void"), (G(json, "id"), S(json, "status")));
                break;
            case ("POST /api/billing/invoices/{id}/refund", _):
                Assert.Equal((target.Id, "refunded"), (G(json, "id"), S(json, "status")));
                Assert.Equal(json.GetProperty("total").GetInt64(), json.GetProperty("refundedAmount").GetInt64());
                break;
            case ("POST /api/billing/stripe/webhook", _):
                Assert.Equal("paid", S(json, "outcome"));
                Assert.Equal(InvoiceStatus.Paid, await Flows.QueryAsync(state.Factory, db => db.Invoices.Where(i => i.Id == target.Id).Select(i => i.Status).SingleAsync()));
                break;
            case ("POST /api/billing/stripe/connect-webhook", _):
                Assert.Equal("updated", S(json, "outcome"));
                Assert.Equal(bool.Parse(target.Name!), await Flows.QueryAsync(state.Factory, db => db.PartnerStripeAccounts
                    .Where(a => a.AccountId == state.AcmeStripeAccount).Select(a => a.PayoutsEnabled).SingleAsync()));
                break;
            case ("POST /api/resellers", _):
                Assert.Equal((target.Id, 12.5m), (G(json, "tenantId"), json.GetProperty("marginPercent").GetDecimal()));
                break;
            case ("POST /api/resellers/me/tenants", _):
                Assert.Equal((target.Name, state.AcmeReseller), (S(json.GetProperty("tenant"), "name"), G(json.GetProperty("tenant"), "resellerId")));
                break;
            case ("GET /api/resellers/me/tenants", _):
                OnlyTenant(state.AcmeReseller, "resellerId");
                Has(state.AcmeChild);
                Has(state.UmbrellaChild, expectedPresent: false);
                break;
            case ("GET /api/resellers/me/commissions", _):
                OnlyTenant(state.AcmeReseller, "resellerId");
                Assert.True(Items().Any(c => G(c, "tenantId") == state.AcmeChild), $"{label} misses the commission of Acme's child: {json}");
                Assert.True(Items().All(c => G(c, "tenantId") != state.UmbrellaChild), $"{label} leaks Umbrella's commission: {json}");
                break;
            case ("GET /api/tenants/me/users" or "GET /api/tenants/{tenantId}/users", _):
                var expectedTenant = row.Route.Contains("/me/") ? tenant : state.Acme;
                OnlyTenant(expectedTenant);
                Assert.True(Items().Any(u => S(u, "role") == "owner"), $"{label} misses the tenant's owner: {json}");
                break;
            case ("POST /api/tenants/me/users" or "POST /api/tenants/{tenantId}/users", _):
                var (email, role) = (target.Name!.Split(' ')[0], target.Name.Split(' ')[1]);
                Assert.Equal((email, role, row.Route.Contains("/me/") ? tenant : state.Acme), (S(json, "email"), S(json, "role"), G(json, "tenantId")));
                break;
            case ("PATCH /api/tenants/me/users/{id}" or "PATCH /api/tenants/{tenantId}/users/{id}", _):
                Assert.Equal((target.Id, "admin"), (G(json, "id"), S(json, "role")));
                break;
            case ("DELETE /api/tenants/me/users/{id}" or "DELETE /api/tenants/{tenantId}/users/{id}", _):
                Assert.False(await Flows.QueryAsync(state.Factory, db => db.Users.AnyAsync(u => u.Id == target.Id)), $"{label} left the user");
                break;
            default:
                Assert.Fail($"{label} has no success check");
                break;
        }
    }

    private static string EmailOf(Caller caller) => caller switch
    {
        Caller.AcmeStaff => Demo.AcmeStaff,
        Caller.AcmeAdmin => Demo.AcmeAdmin,
        Caller.GlobexOwner => Demo.GlobexOwner,
        Caller.PlatformStaff => Demo.PlatformStaff,
        Caller.PlatformAdmin => Demo.PlatformAdmin,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    /// <summary>Logout answers nothing; the proof is that the caller's token stopped working. The next row gets a new one.</summary>
    private async Task VerifyLogoutAsync(Caller caller, HttpClient client, string body, string label)
    {
        Assert.True(body.Length == 0, $"{label} answered a body: {body}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
        state.Factory.ForgetToken(EmailOf(caller));
    }

    private async Task<HttpClient> ClientAsync(Caller caller) =>
        caller == Caller.Anonymous ? state.Factory.CreateApiClient() : await state.Factory.ClientAsAsync(EmailOf(caller));

    /// <summary>
    /// One app for the class. Acme: approved partner, reseller (margin 10) with a child tenant whose invoice is
    /// paid, an open invoice, an install, an audit event. Globex: an open invoice, an audit event. Umbrella's own
    /// child tenant and commission must never show in Acme's lists.
    /// </summary>
    public sealed class State : IAsyncLifetime
    {
        public PartnerWebFactory Factory { get; } = PartnerWebFactory.On(null, new Dictionary<string, string?>
        {
            ["RateLimiting:PartnerWrites:PermitLimit"] = "100000",
        });

        public Guid Acme { get; private set; }
        public Guid Globex { get; private set; }
        public Guid Umbrella { get; private set; }
        public Guid Platform { get; private set; }
        public Guid AcmeItem { get; private set; }
        public Guid AcmeInvoice { get; private set; }
        public Guid AcmeInstall { get; private set; }
        public Guid GlobexInvoice { get; private set; }
        public Guid AcmeEvent { get; private set; }
        public Guid GlobexEvent { get; private set; }
        public Guid AcmeReseller { get; private set; }
        public Guid AcmeChild { get; private set; }
        public Guid UmbrellaChild { get; private set; }
        public string AcmeStripeAccount { get; } = $"acct_matrix{Guid.NewGuid():N}"[..21];

        public Guid TenantOf(Caller caller) => caller switch
        {
            Caller.AcmeStaff or Caller.AcmeAdmin => Acme,
            Caller.GlobexOwner => Globex,
            Caller.PlatformStaff or Caller.PlatformAdmin => Platform,
            _ => Guid.Empty,
        };

        public async Task InitializeAsync()
        {
            (Acme, Globex, Umbrella, Platform) = await Flows.QueryAsync(Factory, async db =>
            {
                var tenants = await db.Tenants.ToListAsync();
                return (tenants.Single(t => t.Name == "Acme Templates").Id, tenants.Single(t => t.Name == "Globex").Id,
                    tenants.Single(t => t.Name == "Umbrella Resellers").Id, tenants.Single(t => t.IsPlatform).Id);
            });
            AcmeItem = await Flows.ItemIdAsync(Factory, "Acme CRM Add-on");
            var acmePartner = await PartnerFlows.ApprovedPartnerAsync(Factory, Demo.AcmeOwner);
            // Written straight to the database: making a connected account takes Stripe, which this app has not.
            await Flows.QueryAsync(Factory, db =>
            {
                db.PartnerStripeAccounts.Add(new PartnerStripeAccount
                {
                    PartnerId = acmePartner, AccountId = AcmeStripeAccount, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow.AddMinutes(-1),
                });
                return db.SaveChangesAsync();
            });

            using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
            var reseller = await (await admin.PostAsJsonAsync("/api/resellers", new { tenantId = Acme, marginPercent = 10 })).AssertJsonAsync(HttpStatusCode.Created);
            AcmeReseller = reseller.GetProperty("id").GetGuid();
            AcmeChild = await PaidChildInvoiceAsync(admin, await Factory.ClientAsAsync(Demo.AcmeAdmin));
            UmbrellaChild = await PaidChildInvoiceAsync(admin, await Factory.ClientAsAsync(Demo.UmbrellaOwner));

            using var acme = await Factory.ClientAsAsync(Demo.AcmeAdmin);
            var installed = await (await acme.PostAsync($"/api/marketplace/items/{await Flows.TemplateIdAsync(Factory)}/install", null)).AssertJsonAsync(HttpStatusCode.Created);
            (AcmeInstall, AcmeInvoice) = (installed.GetProperty("install").GetProperty("id").GetGuid(), installed.GetProperty("invoice").GetProperty("id").GetGuid());
            GlobexInvoice = await OpenInvoiceAsync(Demo.GlobexOwner);
            AcmeEvent = (await AuditSeed.RecordForTenantAsync(Factory, "Acme Templates")).EventId;
            GlobexEvent = (await AuditSeed.RecordForTenantAsync(Factory, "Globex")).EventId;
        }

        /// <summary>The reseller creates a child tenant whose owner buys the template, paid by hand; returns the child's id once the commission exists.</summary>
        private async Task<Guid> PaidChildInvoiceAsync(HttpClient admin, HttpClient reseller)
        {
            using var _ = reseller;
            var suffix = Guid.NewGuid().ToString("N")[..10];
            using var child = Factory.CreateApiClient();
            var (created, token) = await Flows.ChildTenantAsync(reseller, child, $"Child {suffix}", $"owner-{suffix}@child.example");
            var childId = created.GetProperty("tenant").GetProperty("id").GetGuid();
            child.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var invoiceId = await Flows.InstallAsync(child, await Flows.TemplateIdAsync(Factory));
            await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
            await Flows.EventuallyAsync(() => Flows.QueryAsync(Factory, db => db.ResellerCommissions.AnyAsync(c => c.InvoiceId == invoiceId)), "the child's reseller commission");
            return childId;
        }

        /// <summary>A new open invoice of the user's tenant (the template, 4900 USD).</summary>
        public async Task<Guid> OpenInvoiceAsync(string email)
        {
            using var client = await Factory.ClientAsAsync(email);
            return await Flows.InstallAsync(client, await Flows.TemplateIdAsync(Factory));
        }

        /// <summary>A staff user of the tenant for one case to change or remove, written straight to the database.</summary>
        public Task<Guid> FreshStaffAsync(Guid tenantId) => Flows.QueryAsync(Factory, async db =>
        {
            var user = new User { Id = Guid.CreateVersion7(), TenantId = tenantId, Email = $"staff-{Guid.NewGuid():N}@matrix.example", Role = UserRole.Staff, PasswordHash = "x", CreatedAt = DateTime.UtcNow };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return user.Id;
        });

        /// <summary>A tenant that is not a reseller yet, written straight to the database (no endpoint creates plain tenants).</summary>
        public Task<Guid> FreshTenantAsync() => Flows.QueryAsync(Factory, async db =>
        {
            var tenant = new Tenant { Id = Guid.CreateVersion7(), Name = $"Matrix tenant {Guid.NewGuid():N}", CreatedAt = DateTime.UtcNow };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
            return tenant.Id;
        });

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }
}
