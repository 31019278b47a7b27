using Hangfire;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using Stripe;

namespace PartnerWeb.Jobs;

/// <summary>
/// Makes the Stripe transfer of a processing payout, exactly once whatever is retried or killed:
/// <list type="bullet">
/// <item>a transfer already made for the payout (found by its <c>transfer_group</c>, the payout id) is
/// taken as the answer, so an attempt whose answer was lost (a kill after Stripe answered, before the
/// commit) is not made again;</item>
/// <item>otherwise the transfer is created with the attempt's idempotency key, <c>payout-{id}</c> (and
/// <c>payout-{id}-{attempt}</c> after a failure, since Stripe answers a used key with its first answer,
/// the failure included), so a retried job or a concurrent one gets the same transfer.</item>
/// </list>
/// Stripe's refusal fails the payout (its entries stay attached; it may be sent again); an outage is
/// retried by Hangfire and, past that, by the resume job, which re-enqueues payouts left processing.
/// </summary>
public sealed class SendPayoutJob(
    AppDbContext db, StripeGateway stripe, AuditLog audit, TimeProvider clock, ILogger<SendPayoutJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid payoutId, CancellationToken ct)
    {
        var payout = await db.PartnerPayouts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == payoutId, ct);
        if (payout is not { Status: PayoutStatus.Processing })
        {
            logger.LogDebug("Payout {PayoutId} is not processing; nothing to send", payoutId);
            return;
        }
        var account = await db.PartnerStripeAccounts.AsNoTracking().SingleAsync(a => a.PartnerId == payout.PartnerId, ct);

        Transfer transfer;
        try
        {
            var made = (await stripe.TransfersOfGroupAsync(payout.Id.ToString(), ct)).FirstOrDefault(t => t.DestinationId == account.AccountId);
            // Suspended since it was sent: no new transfer (one already made still settles the payout).
            if (made is null && !await db.PartnerAccounts.AnyAsync(a => a.Id == payout.PartnerId && StateMachines.PartnerStatusesThatPayOut.Contains(a.Status), ct))
            {
                await FinishAsync(payout, PayoutStatus.Failed, null, "The partner was suspended before the transfer was made.", ct);
                return;
            }
            transfer = made ?? await stripe.CreateTransferAsync(new TransferCreateOptions
                {
                    Amount = payout.Amount,
                    Currency = payout.Currency.ToLowerInvariant(),
                    Destination = account.AccountId,
                    TransferGroup = payout.Id.ToString(),
                    Metadata = new Dictionary<string, string> { ["payoutId"] = payout.Id.ToString(), ["partnerId"] = payout.PartnerId.ToString() },
                }, IdempotencyKey(payout), ct);
        }
        catch (StripeException ex) when ((int)ex.HttpStatusCode is >= 400 and < 500 and not 429)
        {
            await FinishAsync(payout, PayoutStatus.Failed, null, ex.StripeError?.Message ?? ex.Message, ct);
            return;
        }
        await FinishAsync(payout, PayoutStatus.Paid, transfer.Id, null, ct);
    }

    public static string IdempotencyKey(PartnerPayout payout) =>
        payout.SendAttempts <= 1 ? $"payout-{payout.Id}" : $"payout-{payout.Id}-{payout.SendAttempts}";

    private async Task FinishAsync(PartnerPayout payout, PayoutStatus to, string? transferId, string? failure, CancellationToken ct)
    {
        var tenantId = await db.PartnerAccounts.Where(a => a.Id == payout.PartnerId).Select(a => a.TenantId).SingleAsync(ct);
        var message = failure is null ? null : failure.Length <= PartnerPayout.MaxFailureMessageLength ? failure : failure[..PartnerPayout.MaxFailureMessageLength];
        await UnitOfWork.RunAsync(db, async (work, ct) =>
        {
            if (await FinishAsync(db, payout.Id, to, clock.GetUtcNow().UtcDateTime, transferId, message, ct) == 0) return work.Discard(false);
            audit.Record(to == PayoutStatus.Paid ? AuditActions.PartnerPayoutSent : AuditActions.PartnerPayoutFailed, nameof(PartnerPayout), payout.Id, tenantId,
                new { payout.PartnerId, payout.Currency, payout.Amount, transferId, failure = message, attempt = payout.SendAttempts });
            return true;
        }, ct);
        if (to == PayoutStatus.Failed) logger.LogWarning("Stripe refused the transfer of payout {PayoutId}: {Failure}", payout.Id, message);
    }

    /// <summary>A processing payout becomes paid by the transfer, or failed with Stripe's message; 0 when it was no longer processing.</summary>
    internal static Task<int> FinishAsync(AppDbContext db, Guid payoutId, PayoutStatus to, DateTime now, string? transferId, string? failure, CancellationToken ct) =>
        db.PartnerPayouts.Where(p => p.Id == payoutId && p.Status == PayoutStatus.Processing)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, to)
                .SetProperty(p => p.Reference, p => transferId ?? p.Reference)
                .SetProperty(p => p.PaidAt, p => to == PayoutStatus.Paid ? now : p.PaidAt)
                .SetProperty(p => p.FailureMessage, failure), ct);
}

/// <summary>
/// Payouts left processing (a job lost with in-memory storage, a kill between Stripe's answer and the
/// commit, an outage past Hangfire's retries) are sent again: the transfer group finds a transfer
/// already made, so nothing is paid twice.
/// </summary>
public sealed class ResumePayoutSendsJob(AppDbContext db, IBackgroundJobClient jobs, TimeProvider clock, Microsoft.Extensions.Options.IOptions<JobsOptions> options)
{
    public Task<int> RunAsync(CancellationToken ct) => RunAsync(TimeSpan.FromSeconds(options.Value.ReconcileGraceSeconds), ct);

    public Task<int> RunAtStartupAsync(CancellationToken ct) => RunAsync(TimeSpan.Zero, ct);

    private async Task<int> RunAsync(TimeSpan grace, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - grace;
        var stuck = await db.PartnerPayouts.AsNoTracking()
            .Where(p => p.Status == PayoutStatus.Processing && p.SentAt <= cutoff).OrderBy(p => p.SentAt).Select(p => p.Id).Take(500).ToListAsync(ct);
        foreach (var id in stuck) jobs.Enqueue<SendPayoutJob>(job => job.RunAsync(id, CancellationToken.None));
        return stuck.Count;
    }
}
