using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features.Partners;

/// <summary>What "send all approved" did: the payouts queued, and why the others were not.</summary>
public sealed record SentPayouts(IReadOnlyList<PayoutDto> Queued, IReadOnlyList<PayoutNotSent> NotSent);

public sealed record PayoutNotSent(Guid PayoutId, Guid PartnerId, string Reason);

/// <summary>
/// Pays an approved payout through Stripe Connect. Sending moves it to processing by one conditional
/// update (so of concurrent sends exactly one queues the transfer job; the others find it processing and
/// answer the same) and hands it to <see cref="SendPayoutJob"/>, which makes the transfer.
/// </summary>
public sealed class PayoutSending(
    AppDbContext db, PartnerAccess access, StripeGateway stripe, AuditLog audit, TimeProvider clock, CurrentUser currentUser,
    IBackgroundJobClient jobs, IOptions<PartnerOptions> options)
{
    public async Task<Result<PayoutDto>> SendAsync(Guid partnerId, Guid payoutId, CancellationToken ct)
    {
        var partner = await access.FindAsync(partnerId, ct);
        if (partner is null) return AppError.NotFound("Partner account");
        var payout = await db.PartnerPayouts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == payoutId && p.PartnerId == partnerId, ct);
        if (payout is null) return AppError.NotFound("Payout");
        if (await RefusalAsync(payout, ct) is { } refusal) return refusal;
        return await QueueAsync(partner, payout, ct);
    }

    /// <summary>Every approved payout that can be sent is queued; the rest are listed with the reason.</summary>
    public async Task<SentPayouts> SendApprovedAsync(CancellationToken ct)
    {
        var approved = await db.PartnerPayouts.AsNoTracking().Where(PayoutQueue.NeedsAction).Where(p => p.Status == PayoutStatus.Approved).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var partners = await db.PartnerAccounts.AsNoTracking().Where(a => approved.Select(p => p.PartnerId).Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        List<PayoutDto> queued = [];
        List<PayoutNotSent> notSent = [];
        foreach (var payout in approved)
        {
            var result = await RefusalAsync(payout, ct) is { } refusal ? refusal : await QueueAsync(partners[payout.PartnerId], payout, ct);
            if (result.IsSuccess) queued.Add(result.Value!);
            else notSent.Add(new PayoutNotSent(payout.Id, payout.PartnerId, result.Error!.Title));
        }
        return new SentPayouts(queued, notSent);
    }

    private async Task<AppError?> RefusalAsync(PartnerPayout payout, CancellationToken ct)
    {
        if (options.Value.RequireSecondApprover && payout.GeneratedByUserId is { } generator && generator == currentUser.Info?.Id)
            return AppError.Forbidden("A second admin must send a payout; you generated this one.");
        if (!stripe.Configured) return StripeGateway.NotConfigured;
        var preferences = await db.PartnerAccounts.Where(a => a.Id == payout.PartnerId).Select(a => a.PayoutPreferences).SingleAsync(ct);
        if (PayoutPreferences.MethodOf(preferences) is var method && method != PartnerAccount.StripeConnectMethod)
            return AppError.Conflict($"The partner is paid by hand ({method}): mark the payout paid, or the partner chooses {PartnerAccount.StripeConnectMethod} in its payout preferences.");
        var account = await db.PartnerStripeAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.PartnerId == payout.PartnerId, ct);
        if (account is null) return AppError.Conflict("The partner has not set up payouts with Stripe.");
        if (!account.PayoutsEnabled)
            return AppError.Conflict($"The partner's Stripe account cannot receive payouts yet ({account.DisabledReason ?? account.RequirementsDue ?? "onboarding not finished"}).");
        return null;
    }

    private async Task<Result<PayoutDto>> QueueAsync(PartnerAccount partner, PartnerPayout payout, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var refusal = await UnitOfWork.RunAsync<AppError?>(db, async (work, ct) =>
        {
            if (await StartAsync(db, payout.Id, now, ct) == 0)
            {
                var current = await db.PartnerPayouts.AsNoTracking().Where(p => p.Id == payout.Id).Select(p => p.Status).SingleAsync(ct);
                // Already on its way (a concurrent send won): the same answer, and no second job.
                return work.Discard(current == PayoutStatus.Processing ? null : AppError.Conflict(StateMachines.Payout.Refusal(current, PayoutStatus.Processing)));
            }
            audit.Record(AuditActions.PartnerPayoutSending, nameof(PartnerPayout), payout.Id, partner.TenantId,
                new { payout.PartnerId, payout.Currency, payout.Amount, attempt = payout.SendAttempts + 1 });
            work.AfterCommit(() => jobs.Enqueue<SendPayoutJob>(job => job.RunAsync(payout.Id, CancellationToken.None)));
            return null;
        }, ct);
        if (refusal is not null) return refusal;
        return PayoutDto.From(await db.PartnerPayouts.AsNoTracking().SingleAsync(p => p.Id == payout.Id, ct));
    }

    /// <summary>
    /// An approved (or failed) payout of a partner that pays out becomes processing, one more attempt;
    /// 0 when it was not in such a status (sent already, or by a concurrent call).
    /// </summary>
    internal static Task<int> StartAsync(AppDbContext db, Guid payoutId, DateTime now, CancellationToken ct)
    {
        var (from, paying) = (StateMachines.Payout.From(PayoutStatus.Processing), StateMachines.PartnerStatusesThatPayOut);
        return db.PartnerPayouts
            .Where(p => p.Id == payoutId && from.Contains(p.Status) && db.PartnerAccounts.Any(a => a.Id == p.PartnerId && paying.Contains(a.Status)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, PayoutStatus.Processing)
                .SetProperty(p => p.SendAttempts, p => p.SendAttempts + 1)
                .SetProperty(p => p.SentAt, now)
                .SetProperty(p => p.FailureMessage, (string?)null), ct);
    }
}

[Route("api/partners")]
[Authorize(Policies.TenantAdmin)]
[Tags("Partners")]
public sealed class PartnerPayoutsApiController(PayoutSending sending, PartnerAccountService accounts) : ApiControllerBase
{
    /// <summary>Kept for clients of the first version: the same as PATCH /api/partners/{id} with payoutPreferences only.</summary>
    [HttpPut("{partnerId:guid}/payout-preferences")]
    [EndpointName("Partners_SetPayoutPreferences")]
    [PartnerWriteLimit]
    [EndpointSummary("How the partner is paid (partner self, platform admins); the same as PATCH /api/partners/{id} with payoutPreferences")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<PartnerDto>> UpdatePayoutPreferences(Guid partnerId, [FromBody] PayoutPreferences preferences, CancellationToken ct) =>
        From(await accounts.UpdateAsync(partnerId, new UpdatePartnerRequest { PayoutPreferences = preferences }, ct), Ok);

    [HttpPost("{partnerId:guid}/payouts/{payoutId:guid}/send")]
    [EndpointName("Payouts_Send")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Send an approved (or failed) payout with Stripe Connect: 202 with the payout processing; the transfer is made by a job")]
    [ProducesResponseType<PayoutDto>(StatusCodes.Status202Accepted)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<PayoutDto>> Send(Guid partnerId, Guid payoutId, CancellationToken ct) =>
        From(await sending.SendAsync(partnerId, payoutId, ct), payout => Accepted(payout));

    [HttpPost("payouts/send-approved")]
    [EndpointName("Payouts_SendApproved")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Send every approved payout that can be sent with Stripe Connect; the others are listed with the reason")]
    [ProducesResponseType<SentPayouts>(StatusCodes.Status202Accepted)]
    public async Task<ActionResult<SentPayouts>> SendApproved(CancellationToken ct) =>
        Accepted(await sending.SendApprovedAsync(ct));
}
