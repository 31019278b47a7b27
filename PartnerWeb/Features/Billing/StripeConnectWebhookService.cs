using Microsoft.Extensions.Options;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;
using Stripe;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// The Connect endpoint (issue 16): events of the partners' connected accounts, signed with
/// <c>Stripe:ConnectWebhookSecret</c> and read as the platform's are. They name their account in <c>account</c>,
/// which is what this endpoint is for. Each type is dispatched to its handler; other types need nothing.
/// </summary>
public sealed class StripeConnectWebhookService(
    IOptions<StripeOptions> options, StripeEventReader reader, StripeAccountUpdates accounts, ILogger<StripeConnectWebhookService> logger)
{
    public async Task<Result<WebhookReceipt>> HandleAsync(string json, string? signature, CancellationToken ct)
    {
        var read = reader.Read(json, signature, options.Value.ConnectWebhookSecret, "Connect webhooks");
        if (read.Error is { } refused) return refused;
        if (read.Value is not { } stripeEvent) return new WebhookReceipt(true, "ignored");

        var outcome = stripeEvent switch
        {
            { Type: EventTypes.AccountUpdated, Data.Object: Account account } => await accounts.ApplyAsync(
                new StripeEventRef(stripeEvent.Id, stripeEvent.Type), StripeAccountUpdates.Snapshot(account, stripeEvent.Created), ct),
            _ => null,
        };
        if (outcome is null)
            logger.LogInformation("Stripe Connect event {EventId} of type {Type} (account {Account}) ignored", stripeEvent.Id, stripeEvent.Type, stripeEvent.Account);
        return new WebhookReceipt(true, outcome ?? "ignored");
    }
}
