using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace PartnerWeb.Features.Billing;

public sealed class StripeOptions
{
    public string? WebhookSecret { get; set; }

    /// <summary>The secret of the Connect endpoint: Stripe signs connected accounts' events with another secret than the platform's.</summary>
    public string? ConnectWebhookSecret { get; set; }

    /// <summary>Seconds a signature's timestamp may be off; Stripe's own default.</summary>
    public long ToleranceSeconds { get; set; } = 300;

    /// <summary><c>sk_test_…</c> or <c>sk_live_…</c>; without it the app calls Stripe for nothing (manual approval still works).</summary>
    public string? SecretKey { get; set; }

    /// <summary>Where Stripe's API is; tests point it at a local fake.</summary>
    public string? ApiBase { get; set; }

    /// <summary>The mode of the events this server acts on: a test-mode event never moves live money, nor the reverse.</summary>
    public bool LiveMode { get; set; }
}

/// <summary>
/// The app's calls out to Stripe, through Stripe.net's <see cref="StripeClient"/> (which retries network
/// failures; every call carries an idempotency key, so a retry never does a thing twice).
/// </summary>
public sealed class StripeGateway(IOptions<StripeOptions> options)
{
    private readonly Lazy<StripeClient?> _client = new(() => string.IsNullOrWhiteSpace(options.Value.SecretKey)
        ? null
        : new StripeClient(options.Value.SecretKey, apiBase: string.IsNullOrWhiteSpace(options.Value.ApiBase) ? null : options.Value.ApiBase));

    public bool Configured => _client.Value is not null;

    public static Infrastructure.AppError NotConfigured =>
        new(StatusCodes.Status503ServiceUnavailable, "Stripe is not configured on this server.");

    public Task<Session> CreateCheckoutSessionAsync(SessionCreateOptions session, string idempotencyKey, CancellationToken ct) =>
        new SessionService(Client).CreateAsync(session, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);

    public Task<Refund> CreateRefundAsync(RefundCreateOptions refund, string idempotencyKey, CancellationToken ct) =>
        new RefundService(Client).CreateAsync(refund, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);

    public Task<Transfer> CreateTransferAsync(TransferCreateOptions transfer, string idempotencyKey, CancellationToken ct) =>
        new TransferService(Client).CreateAsync(transfer, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);

    /// <summary>The transfers of a group: a payout's, whatever attempt made them.</summary>
    public async Task<IReadOnlyList<Transfer>> TransfersOfGroupAsync(string transferGroup, CancellationToken ct) =>
        (await new TransferService(Client).ListAsync(new TransferListOptions { TransferGroup = transferGroup, Limit = 10 }, null, ct)).Data;

    public Task<Account> CreateAccountAsync(AccountCreateOptions account, string idempotencyKey, CancellationToken ct) =>
        new AccountService(Client).CreateAsync(account, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);

    public Task<AccountLink> CreateAccountLinkAsync(AccountLinkCreateOptions link, string idempotencyKey, CancellationToken ct) =>
        new AccountLinkService(Client).CreateAsync(link, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);

    private StripeClient Client => _client.Value ?? throw new InvalidOperationException("Stripe is not configured (Stripe:SecretKey).");
}
