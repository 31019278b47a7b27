using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Spec §3 and §8: every partner route × every kind of caller, one table. A refused call (4xx) must
/// answer problem+json and change nothing (partner rows and PARTNER_* audit events are compared
/// before and after). Mutating rows arrange their own target state first and put things back after.
/// </summary>
public sealed class PartnerRoleMatrixTests(PartnerRoleMatrixTests.State state) : IClassFixture<PartnerRoleMatrixTests.State>
{
    /// <summary>Who calls: a column of the matrix. Self and TenantStaff belong to Acme Templates, which owns the partner under test.</summary>
    public enum Caller { Anonymous, TenantStaff, PlatformStaff, Self, OtherPartner, Customer, PlatformAdmin }

    // Paths are under /api/partners. {p} = Acme's approved partner account; {l} = its listing of "Acme CRM Add-on"
    // (percent 20, active); {item} = a fresh item Acme published; {owed}/{approved} = an Acme payout in that state.
    // "+commission" sends commission fields (POST: fixed 500, PATCH: percent 25); the plain PATCH sends {"status":"paused"}.
    // The customer's 201 on /apply runs on a fresh app, so it is that tenant's first application.
    private static readonly Row[] Matrix =
    [
        //                                                       anon  staff pstaff self other cust  admin
        new("POST /apply",                                        401,  403,  403,  409,  409,  201,  403),
        new("GET /me",                                            401,  403,  403,  200,  200,  404,  404),
        new("GET /my/earnings",                                   401,  403,  403,  200,  200,  404,  404),
        new("GET /my/payouts",                                    401,  403,  403,  200,  200,  404,  404),
        new("GET /",                                              401,  403,  403,  403,  403,  403,  200),
        new("GET /{p}",                                           401,  403,  403,  200,  404,  404,  200),
        new("PATCH /{p}",                                         401,  403,  403,  200,  404,  404,  200),
        new("POST /{p}/approve",                                  401,  403,  403,  403,  403,  403,  200),
        new("POST /{p}/suspend",                                  401,  403,  403,  403,  403,  403,  200),
        new("POST /{p}/reject",                                   401,  403,  403,  403,  403,  403,  200),
        new("POST /{p}/listings",                                 401,  403,  403,  201,  404,  404,  201),
        new("POST /{p}/listings +commission",                     401,  403,  403,  403,  404,  404,  201),
        new("PATCH /{p}/listings/{l}",                            401,  403,  403,  200,  404,  404,  200),
        new("PATCH /{p}/listings/{l} +commission",                401,  403,  403,  403,  404,  404,  200),
        new("GET /{p}/listings",                                  401,  403,  403,  200,  404,  404,  200),
        new("GET /{p}/earnings",                                  401,  403,  403,  200,  404,  404,  200),
        new("POST /{p}/payouts/generate",                         401,  403,  403,  403,  403,  403,  201),
        new("POST /{p}/payouts/{owed}/approve",                   401,  403,  403,  403,  403,  403,  200),
        new("POST /{p}/payouts/{approved}/mark-paid",             401,  403,  403,  403,  403,  403,  200),
        // The matrix app has no Stripe key: an admin's send is refused 503 and writes nothing; sending all queues none.
        new("POST /{p}/payouts/{approved}/send",                  401,  403,  403,  403,  403,  403,  503),
        new("POST /payouts/send-approved",                        401,  403,  403,  403,  403,  403,  202),
        new("PUT /{p}/payout-preferences",                        401,  403,  403,  200,  404,  404,  200),
        new("GET /{p}/payouts",                                   401,  403,  403,  200,  404,  404,  200),
        new("GET /{p}/earnings.csv",                              401,  403,  403,  200,  404,  404,  200),
        new("GET /{p}/payouts/{owed}/statement.csv",              401,  403,  403,  200,  404,  404,  200),
        // This app has no Stripe:SecretKey, so an allowed onboarding is 503 (StripeConnectTests run it against a fake Stripe).
        new("POST /{p}/stripe/onboarding",                        401,  403,  403,  503,  404,  404,  503),
        new("GET /{p}/stripe",                                    401,  403,  403,  200,  404,  404,  200),
    ];

    private sealed record Row(string Endpoint, int Anonymous, int TenantStaff, int PlatformStaff, int Self, int OtherPartner, int Customer, int PlatformAdmin)
    {
        public int[] ByCaller => [Anonymous, TenantStaff, PlatformStaff, Self, OtherPartner, Customer, PlatformAdmin];
    }

    public static TheoryData<string, Caller, int> Cases()
    {
        var data = new TheoryData<string, Caller, int>();
        foreach (var row in Matrix)
            foreach (var caller in Enum.GetValues<Caller>())
                data.Add(row.Endpoint, caller, row.ByCaller[(int)caller]);
        return data;
    }

    [Fact]
    public void The_matrix_has_a_row_for_every_route_of_the_partners_controllers_and_no_other()
    {
        // Routes relative to /api/partners, whichever controller under it declares them.
        var routes = new[] { typeof(PartnerWeb.Features.Partners.PartnersApiController), typeof(PartnerWeb.Features.Partners.PartnerStripeApiController),
            typeof(PartnerWeb.Features.Partners.PartnerPayoutsApiController) }
            .SelectMany(controller => controller.GetMethods()
                .SelectMany(m => m.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute), false))
                .Cast<Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute>()
                .Select(a => Route(a.HttpMethods.Single(), Under(controller, a.Template)))).Order().ToList();
        var rows = Matrix.Select(r => r.Endpoint.Split(' ')).Select(p => Route(p[0], p[1])).Distinct().Order().ToList();
        Assert.Equal(25, routes.Count);
        Assert.Equal(routes, rows);

        static string Under(Type controller, string? template)
        {
            var prefix = ((Microsoft.AspNetCore.Mvc.RouteAttribute)Attribute.GetCustomAttribute(controller, typeof(Microsoft.AspNetCore.Mvc.RouteAttribute))!).Template;
            Assert.StartsWith("api/partners", prefix);
            return $"{prefix["api/partners".Length..]}/{template}";
        }

        // "{id:guid}", "{partnerId:guid}", "{p}", "{owed}" all become "{}"; the list route is "/".
        static string Route(string method, string? template) =>
            method + " /" + System.Text.RegularExpressions.Regex.Replace(template ?? "", @"\{[^}]*\}", "{}").Trim('/');
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_gets_the_status_of_the_matrix(string endpoint, Caller caller, int expected)
    {
        var row = $"[{caller} → {endpoint}]";
        if (endpoint == "POST /apply" && expected == 201)
        {
            await FirstApplicationAsync(caller, row);
            return;
        }

        var parts = endpoint.Split(' ');
        var (method, template, withCommission) = (parts[0], parts[1], parts.Length > 2);
        var target = await ArrangeAsync(template);
        using var client = await ClientAsync(state.Factory, caller);
        var before = await SnapshotAsync(state.Factory);
        try
        {
            var response = await SendAsync(client, method, target.Path, BodyFor(template, withCommission, target));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expected, $"{row} expected {expected}, got {(int)response.StatusCode}: {body}");
            if (expected >= 400)
            {
                await response.AssertProblemAsync((HttpStatusCode)expected);
                var after = await SnapshotAsync(state.Factory);
                Assert.True(before == after, $"{row} was refused with {expected} but changed state.\nbefore: {before}\nafter:  {after}");
            }
            else if (template.EndsWith(".csv", StringComparison.Ordinal))
            {
                Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
                var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.StartsWith("id,createdAt,kind,invoiceId,currency", lines[0]);
                Assert.True(lines.Length > 1, $"{row} returned no rows");
                Assert.All(lines.Skip(1), l => Assert.Contains(l.Split(',')[4], new[] { "USD" }));
            }
            else
            {
                VerifySuccess(method == "PATCH" && template == "/{p}" ? "PATCH /{p}" : template, withCommission, caller, target,
                    await response.AssertJsonAsync((HttpStatusCode)expected), row);
            }
        }
        finally
        {
            if (method != "GET") await RestoreAsync();
        }
    }

    private sealed record Target(string Path, Guid? Item = null, Guid? Payout = null);

    /// <summary>Puts the target in the state the row acts on: each mutating row has something to change.</summary>
    private async Task<Target> ArrangeAsync(string template)
    {
        using var admin = await state.Factory.ClientAsAsync(Demo.PlatformAdmin);
        Guid? item = null, payout = null;
        if (template.EndsWith("/approve") && !template.Contains("/payouts/"))
            await (await admin.PostAsync($"/api/partners/{state.AcmePartner}/suspend", null)).AssertJsonAsync(HttpStatusCode.OK);
        if (template == "/{p}/reject") await SetAcmeStatusAsync(PartnerStatus.Pending);
        if (template.EndsWith("/payouts/generate")) await state.EnsureOwedEarningAsync();
        if (template.Contains("{owed}")) payout = await state.PayoutAsync(PayoutStatus.Owed);
        if (template.Contains("{approved}")) payout = await state.PayoutAsync(PayoutStatus.Approved);
        if (template == "/{p}/listings")
        {
            using var acme = await state.Factory.ClientAsAsync(Demo.AcmeOwner);
            var created = await (await acme.PostAsJsonAsync("/api/marketplace/items",
                new { name = $"Matrix add-on {Guid.NewGuid():N}", type = "addon", price = 1000, currency = "USD" })).AssertJsonAsync(HttpStatusCode.Created);
            item = created.GetProperty("id").GetGuid();
        }
        var path = template == "/" ? "" : template
            .Replace("{p}", state.AcmePartner.ToString()).Replace("{l}", state.Listing.ToString())
            .Replace("{owed}", payout.ToString()).Replace("{approved}", payout.ToString());
        return new Target("/api/partners" + path, item, payout);
    }

    private static object? BodyFor(string template, bool withCommission, Target target) => template switch
    {
        "/apply" => ApplyBody("Matrix"),
        "/{p}/suspend" => new { reason = "matrix check" },
        "/{p}/reject" => new { reason = "matrix check" },
        "/{p}/listings" when withCommission => new { marketplaceItemId = target.Item, commissionType = "fixed", commissionValue = 500 },
        "/{p}/listings" => new { marketplaceItemId = target.Item },
        "/{p}/listings/{l}" when withCommission => new { commissionType = "percent", commissionValue = 25 },
        "/{p}/listings/{l}" => new { status = "paused" },
        _ when template.EndsWith("/mark-paid") => new { reference = "matrix-ref" },
        "/{p}/payout-preferences" => new { method = "stripe_connect" },
        "/{p}" => new { contactEmail = "matrix@acme.example", payoutPreferences = new { method = "bank_transfer", accountHolder = "Acme Templates Ltd", iban = "GB82WEST12345698765432" } },
        _ => null,
    };

    private static object ApplyBody(string name) =>
        new { displayName = $"{name} Partner", contactEmail = "partners@example.com", country = "US", payoutPreferences = new { method = "paypal", email = "payouts@example.com" } };

    /// <summary>What each successful answer must say, so a 2xx from the wrong branch is not enough.</summary>
    private void VerifySuccess(string template, bool withCommission, Caller caller, Target target, JsonElement json, string row)
    {
        var ownPartner = caller == Caller.OtherPartner ? state.InitechPartner : state.AcmePartner;
        Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();
        string Text(JsonElement e, string name) => e.GetProperty(name).GetString()!;
        IEnumerable<JsonElement> Items() => json.GetProperty("items").EnumerateArray();
        switch (template)
        {
            case "/me": Assert.True(Id(json) == ownPartner, $"{row} returned another account"); break;
            case "/my/earnings" or "/my/payouts":
                Assert.True(Items().All(i => i.GetProperty("partnerId").GetGuid() == ownPartner), $"{row} leaked another partner's rows");
                Assert.True(Items().Any() == (caller == Caller.Self), $"{row}: Acme has rows, Initech none");
                break;
            case "/": Assert.Contains(Items(), p => Id(p) == state.AcmePartner); Assert.Contains(Items(), p => Id(p) == state.InitechPartner); break;
            case "/{p}": Assert.Equal(state.AcmePartner, Id(json)); break;
            case "PATCH /{p}":
                Assert.Equal((state.AcmePartner, "matrix@acme.example"), (Id(json), Text(json, "contactEmail")));
                Assert.Equal("GB82WEST12345698765432", Text(json.GetProperty("payoutPreferences"), "iban"));
                break;
            case "/{p}/approve": Assert.Equal("approved", Text(json, "status")); break;
            case "/{p}/suspend": Assert.Equal("suspended", Text(json, "status")); break;
            case "/{p}/reject": Assert.Equal("rejected", Text(json, "status")); break;
            case "/{p}/listings" when json.TryGetProperty("items", out _): Assert.Contains(Items(), l => Id(l) == state.Listing); break;
            case "/{p}/listings":
                Assert.Equal(state.AcmePartner, json.GetProperty("partnerId").GetGuid());
                Assert.Equal(target.Item, json.GetProperty("marketplaceItemId").GetGuid());
                Assert.Equal(withCommission ? "fixed" : "percent", Text(json, "commissionType"));
                Assert.Equal(withCommission ? 500m : 30m, json.GetProperty("commissionValue").GetDecimal());
                break;
            case "/{p}/listings/{l}" when withCommission: Assert.Equal(25m, json.GetProperty("commissionValue").GetDecimal()); break;
            case "/{p}/listings/{l}": Assert.Equal("paused", Text(json, "status")); Assert.Equal(20m, json.GetProperty("commissionValue").GetDecimal()); break;
            case "/{p}/earnings":
                Assert.Contains(Items(), e => e.GetProperty("partnerId").GetGuid() == state.AcmePartner);
                Assert.Equal("USD", Text(json.GetProperty("totals")[0], "currency"));
                break;
            case "/{p}/payouts/generate":
                var payout = Assert.Single(json.GetProperty("payouts").EnumerateArray());
                Assert.Equal("owed", Text(payout, "status"));
                Assert.True(payout.GetProperty("amount").GetInt64() > 0, $"{row} generated an empty payout");
                break;
            case "/{p}/payouts/{owed}/approve":
                Assert.Equal((target.Payout, "approved"), (Id(json), Text(json, "status")));
                Assert.NotEqual(JsonValueKind.Null, json.GetProperty("approvedAt").ValueKind);
                break;
            case "/{p}/payouts/{approved}/mark-paid":
                Assert.Equal((target.Payout, "paid"), (Id(json), Text(json, "status")));
                Assert.NotEqual(JsonValueKind.Null, json.GetProperty("paidAt").ValueKind);
                break;
            case "/{p}/payout-preferences":
                Assert.Equal(state.AcmePartner, Id(json));
                Assert.Equal("stripe_connect", json.GetProperty("payoutPreferences").GetProperty("method").GetString());
                break;
            case "/payouts/send-approved":
                Assert.Empty(json.GetProperty("queued").EnumerateArray());
                Assert.All(json.GetProperty("notSent").EnumerateArray(), n => Assert.Equal("Stripe is not configured on this server.", Text(n, "reason")));
                break;
            case "/{p}/stripe":
                Assert.Equal(("none", JsonValueKind.Null), (Text(json, "state"), json.GetProperty("accountId").ValueKind));
                Assert.Empty(json.GetProperty("requirementsDue").EnumerateArray());
                break;
            case "/{p}/payouts": Assert.NotEmpty(Items()); Assert.All(Items(), p => Assert.Equal(state.AcmePartner, p.GetProperty("partnerId").GetGuid())); break;
            default: Assert.Fail($"{row} has no success check"); break;
        }
    }

    /// <summary>The customer owner's first application, on an app of its own so nothing applied before.</summary>
    private static async Task FirstApplicationAsync(Caller caller, string row)
    {
        using var fresh = PartnerWebFactory.On(null, State.Settings);
        using var client = await ClientAsync(fresh, caller);
        await (await client.GetAsync("/api/partners/me")).AssertProblemAsync(HttpStatusCode.NotFound);
        var response = await client.PostAsJsonAsync("/api/partners/apply", ApplyBody("Globex"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{row} expected 201, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var created = await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("pending", created.GetProperty("status").GetString());
        var me = await (await client.GetAsync("/api/partners/me")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("id").GetGuid(), me.GetProperty("id").GetGuid());
        await (await client.PostAsJsonAsync("/api/partners/apply", ApplyBody("Globex again"))).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    /// <summary>Back to the shared baseline: Acme approved, its listing active at percent 20.</summary>
    private async Task RestoreAsync()
    {
        using var admin = await state.Factory.ClientAsAsync(Demo.PlatformAdmin);
        var approve = await admin.PostAsync($"/api/partners/{state.AcmePartner}/approve", null);
        Assert.Contains(approve.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
        // A rejected account has no way back to approved but applying again; the baseline is restored by hand.
        await SetAcmeStatusAsync(PartnerStatus.Approved);
        await (await admin.PatchAsJsonAsync($"/api/partners/{state.AcmePartner}/listings/{state.Listing}",
            new { status = "active", commissionType = "percent", commissionValue = 20 })).AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Moves Acme's account where no route of the matrix leads (an approved partner back to pending, a rejected one to approved).</summary>
    private Task SetAcmeStatusAsync(PartnerStatus status) => Flows.QueryAsync(state.Factory, db =>
        db.PartnerAccounts.Where(p => p.Id == state.AcmePartner && p.Status != status).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, status)));

    private static async Task<HttpClient> ClientAsync(PartnerWebFactory factory, Caller caller) => caller switch
    {
        Caller.Anonymous => factory.CreateApiClient(),
        Caller.TenantStaff => await factory.ClientAsAsync(Demo.AcmeStaff),
        Caller.PlatformStaff => await factory.ClientAsAsync(Demo.PlatformStaff),
        Caller.Self => await factory.ClientAsAsync(Demo.AcmeOwner),
        Caller.OtherPartner => await factory.ClientAsAsync(Demo.InitechOwner),
        Caller.Customer => await factory.ClientAsAsync(Demo.GlobexOwner),
        _ => await factory.ClientAsAsync(Demo.PlatformAdmin),
    };

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, object? body) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) });

    /// <summary>Everything a partner call could change, as one comparable string.</summary>
    private static Task<string> SnapshotAsync(PartnerWebFactory factory) => Flows.QueryAsync(factory, async db => JsonSerializer.Serialize(new
    {
        accounts = await db.PartnerAccounts.OrderBy(p => p.Id).Select(p => new { p.Id, p.Status, p.ContactEmail, p.PayoutPreferences }).ToListAsync(),
        listings = await db.PartnerListings.OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.Status, l.CommissionType, l.CommissionPercent, l.CommissionFixedAmount }).ToListAsync(),
        earnings = await db.PartnerEarnings.OrderBy(e => e.Id).Select(e => new { e.Id, e.PayoutId }).ToListAsync(),
        payouts = await db.PartnerPayouts.OrderBy(p => p.Id).Select(p => new { p.Id, p.Status, p.Reference }).ToListAsync(),
        stripeAccounts = await db.PartnerStripeAccounts.CountAsync(),
        partnerAuditEvents = await db.AuditEvents.CountAsync(a => a.Action.StartsWith("PARTNER_")),
    }));

    /// <summary>
    /// One app for the class: Acme and Initech applied and approved, Acme's "Acme CRM Add-on" listed by the
    /// platform, bought by Globex and paid, and the resulting earning generated into an owed payout.
    /// </summary>
    public sealed class State : IAsyncLifetime
    {
        public static readonly IReadOnlyDictionary<string, string?> Settings =
            new Dictionary<string, string?> { ["RateLimiting:PartnerWrites:PermitLimit"] = "100000" };

        public PartnerWebFactory Factory { get; } = PartnerWebFactory.On(null, Settings);
        public Guid AcmePartner { get; private set; }
        public Guid InitechPartner { get; private set; }
        public Guid Listing { get; private set; }

        public async Task InitializeAsync()
        {
            AcmePartner = await ApplyAndApproveAsync(Demo.AcmeOwner, "Acme Templates");
            InitechPartner = await ApplyAndApproveAsync(Demo.InitechOwner, "Initech Add-ons");
            using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
            var listing = await (await admin.PostAsJsonAsync($"/api/partners/{AcmePartner}/listings", new
            {
                marketplaceItemId = await Flows.ItemIdAsync(Factory, "Acme CRM Add-on"), commissionType = "percent", commissionValue = 20,
            })).AssertJsonAsync(HttpStatusCode.Created);
            Listing = listing.GetProperty("id").GetGuid();
            await PayoutAsync(PayoutStatus.Owed);
        }

        private async Task<Guid> ApplyAndApproveAsync(string owner, string name)
        {
            using var client = await Factory.ClientAsAsync(owner);
            var applied = await (await client.PostAsJsonAsync("/api/partners/apply", ApplyBody(name))).AssertJsonAsync(HttpStatusCode.Created);
            var id = applied.GetProperty("id").GetGuid();
            using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
            await (await admin.PostAsync($"/api/partners/{id}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
            return id;
        }

        /// <summary>An Acme earning no payout has taken yet: Globex buys the add-on and the platform marks it paid.</summary>
        public async Task EnsureOwedEarningAsync()
        {
            if (await Flows.QueryAsync(Factory, db => db.PartnerEarnings.AnyAsync(e => e.PartnerId == AcmePartner && e.PayoutId == null))) return;
            using var globex = await Factory.ClientAsAsync(Demo.GlobexOwner);
            var invoiceId = await Flows.InstallAsync(globex, await Flows.ItemIdAsync(Factory, "Acme CRM Add-on"));
            using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
            await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
            await Flows.EventuallyAsync(() => Flows.QueryAsync(Factory, async db =>
                await db.PartnerEarnings.AnyAsync(e => e.InvoiceId == invoiceId && e.PartnerId == AcmePartner)
                && await db.AccrualTasks.Where(t => t.InvoiceId == invoiceId).AllAsync(t => t.CompletedAt != null)), "Acme's earning accrued");
        }

        /// <summary>An Acme payout in the given state, made through the API when there is none.</summary>
        public async Task<Guid> PayoutAsync(PayoutStatus status)
        {
            var existing = await Flows.QueryAsync(Factory, db => db.PartnerPayouts
                .Where(p => p.PartnerId == AcmePartner && p.Status == status).Select(p => (Guid?)p.Id).FirstOrDefaultAsync());
            if (existing is { } found) return found;
            using var admin = await Factory.ClientAsAsync(Demo.PlatformAdmin);
            if (status == PayoutStatus.Approved)
            {
                var owed = await PayoutAsync(PayoutStatus.Owed);
                await (await admin.PostAsync($"/api/partners/{AcmePartner}/payouts/{owed}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
                return owed;
            }
            await EnsureOwedEarningAsync();
            var generated = await (await admin.PostAsync($"/api/partners/{AcmePartner}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created);
            return generated.GetProperty("payouts")[0].GetProperty("id").GetGuid();
        }

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }
}
