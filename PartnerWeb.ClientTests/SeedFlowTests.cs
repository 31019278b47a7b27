using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerWeb.ClientTests.Generated;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.ClientTests;

/// <summary>
/// Issue 20: the seed flow (docs/api.md) through the C# client NSwag generated from the served document, and
/// every response of that run validated against the document's schemas by a JSON Schema validator.
/// </summary>
public sealed class SeedFlowTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private const string Iban = "DE89370400440532013000";
    private readonly List<RecordedResponse> _responses = [];

    /// <summary>The operations of the seed flow, each of which the run must call at least once.</summary>
    private static readonly string[] FlowOperations =
    [
        "POST /api/auth/token", "POST /api/partners/apply", "POST /api/partners/{id}/approve", "GET /api/marketplace/items",
        "POST /api/partners/{partnerId}/listings", "POST /api/marketplace/items/{id}/install", "POST /api/billing/invoices/{id}/mark-paid",
        "GET /api/partners/my/earnings", "POST /api/partners/{partnerId}/payouts/generate",
        "POST /api/partners/{partnerId}/payouts/{payoutId}/approve", "POST /api/partners/{partnerId}/payouts/{payoutId}/mark-paid",
    ];

    private HttpClient Client(string? token = null)
    {
        var client = factory.CreateDefaultClient(new RecordingHandler(_responses));
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<HttpClient> SignedInAsync(string email)
    {
        using var anonymous = Client();
        var token = await new AuthClient(anonymous).CreateTokenAsync(new TokenRequest { Email = email, Password = PartnerWebFactory.Password });
        return Client(token.AccessToken);
    }

    private async Task<OpenApiSchemaValidator> ValidatorAsync()
    {
        using var client = await factory.ClientAsAsync(Demo.PlatformAdmin);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        return new OpenApiSchemaValidator(document.RootElement);
    }

    [Fact]
    public async Task The_seed_flow_runs_through_the_generated_client_and_every_response_matches_the_document()
    {
        try
        {
            await RunSeedFlowAsync();
        }
        catch (ApiException e)
        {
            // The client says only the status; the exchange says what the server refused.
            throw new Xunit.Sdk.XunitException($"{e.StatusCode}: {_responses.LastOrDefault()}", e);
        }
    }

    private async Task RunSeedFlowAsync()
    {
        using var admin = await SignedInAsync(Demo.PlatformAdmin);
        using var acme = await SignedInAsync(Demo.AcmeOwner);
        using var globex = await SignedInAsync(Demo.GlobexOwner);

        var partner = await new PartnersClient(acme).ApplyAsync(new ApplyRequest
        {
            DisplayName = "Acme Templates", ContactEmail = "partners@acme.example", Country = "us",
            PayoutPreferences = new PayoutPreferencesBankTransferPreferences { AccountHolder = "Acme Templates Ltd", Iban = "DE89 3704 0044 0532 0130 00" },
        });
        Assert.Equal(PartnerStatus.Pending, partner.Status);
        Assert.Equal(Iban, Assert.IsType<PayoutPreferencesBankTransferPreferences>(partner.PayoutPreferences).Iban);
        Assert.Equal(PartnerStatus.Approved, (await new PartnersClient(admin).ApproveAsync(partner.Id)).Status);

        var item = (await new MarketplaceClient(acme).ListItemsAsync(200, null)).Items.Single(i => i.Name == "Acme CRM Add-on");
        var listing = await new ListingsClient(acme).CreateAsync(partner.Id, new CreateListingRequest { MarketplaceItemId = item.Id });
        Assert.Equal((CommissionType.Percent, 30m), (listing.CommissionType, listing.CommissionValue));

        var installed = await new MarketplaceClient(globex).InstallAsync(item.Id);
        Assert.Equal(InvoiceStatus.Open, installed.Invoice.Status);
        var invoice = await new BillingClient(admin).MarkPaidAsync(installed.Invoice.Id, new MarkPaidRequest { Reference = "bank-transfer-42" });
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(PaymentMethod.Manual, invoice.PaymentMethod);

        // The earning accrues in a background job once the payment has committed.
        var earnings = new EarningsClient(acme);
        EarningDto? earning = null;
        for (var attempt = 0; attempt < 150 && earning is null; attempt++)
        {
            earning = (await earnings.ListMineAsync(null, null, 200, null)).Items.SingleOrDefault(e => e.InvoiceId == invoice.Id);
            if (earning is null) await Task.Delay(100);
        }
        Assert.NotNull(earning);
        Assert.Equal((item.Price, item.Price * 3 / 10), (earning.GrossAmount, earning.CommissionAmount));

        var payouts = new PayoutsClient(admin);
        var payout = (await payouts.GenerateAsync(partner.Id)).Payouts.Single();
        Assert.Equal((PayoutStatus.Owed, earning.PartnerNet), (payout.Status, payout.Amount));
        Assert.Equal(PayoutStatus.Approved, (await payouts.ApproveAsync(partner.Id, payout.Id)).Status);
        var paid = await payouts.MarkPaidAsync(partner.Id, payout.Id, new PayoutMarkPaidRequest { Reference = "wire-2026-001" });
        Assert.Equal((PayoutStatus.Paid, "wire-2026-001"), (paid.Status, paid.Reference));
        Assert.Equal(Iban, Assert.IsType<PayoutPreferencesBankTransferPreferences>(paid.PayoutDetails).Iban);

        // Every answer of the run, against the operation and status it came from.
        var validator = await ValidatorAsync();
        var errors = _responses.SelectMany(r => validator.ResponseErrors(r.Method, r.Path, r.Status, r.MediaType, r.Body)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var called = _responses.Select(r => $"{r.Method} {validator.TemplateOf(r.Path)}").ToHashSet();
        Assert.All(FlowOperations, operation => Assert.Contains(operation, called));
        Assert.All(_responses, r => Assert.True(r.Body.Length > 0, $"{r.Method} {r.Path} answered no body"));
    }

    /// <summary>The validator is no rubber stamp: a real answer with one value of the wrong type or a wrong status fails.</summary>
    [Fact]
    public async Task The_validator_refuses_a_response_that_breaks_the_document()
    {
        using var admin = await SignedInAsync(Demo.PlatformAdmin);
        var items = await new MarketplaceClient(admin).ListItemsAsync(1, null);
        Assert.NotEmpty(items.Items);
        var validator = await ValidatorAsync();
        var answer = _responses.Single(r => r.Path == "/api/marketplace/items");
        Assert.Empty(validator.ResponseErrors(answer.Method, answer.Path, answer.Status, answer.MediaType, answer.Body));

        foreach (var (field, value) in new (string, JsonNode?)[] { ("price", "12900"), ("type", "bundle-of-sorts"), ("id", 5), ("name", null) })
        {
            var page = JsonNode.Parse(answer.Body)!;
            page["items"]![0]![field] = value;
            Assert.NotEmpty(validator.ResponseErrors(answer.Method, answer.Path, answer.Status, answer.MediaType, page.ToJsonString()));
        }
        Assert.NotEmpty(validator.ResponseErrors(answer.Method, answer.Path, (int)HttpStatusCode.Created, answer.MediaType, answer.Body));
        Assert.NotEmpty(validator.ResponseErrors(answer.Method, answer.Path, answer.Status, "text/plain", answer.Body));
    }
}
