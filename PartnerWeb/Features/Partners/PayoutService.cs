using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class PayoutService(
    AppDbContext db, PartnerAccess access, AuditLog audit, IdGenerator ids, TimeProvider clock, CurrentUser currentUser, IOptions<PartnerOptions> options)
{
    public async Task<Result<GeneratedPayouts>> GenerateAsync(Guid partnerId, CancellationToken ct)
    {
        var partner = await access.FindAsync(partnerId, ct);
        if (partner is null) return AppError.NotFound("Partner account");
        return await GenerateForAsync(partner, ct);
    }

    /// <summary>
    /// One owed payout per currency from the payable entries no payout has taken yet (accruals past
    /// their hold, and reversals). Each currency is one unit of work: insert the payout, attach the
    /// entries with one conditional UPDATE (WHERE PayoutId IS NULL, so a concurrent generation cannot
    /// take them twice, and only while the partner pays out, so a suspension committed first stops it),
    /// sum them in SQL. Nothing is loaded row by row. A currency whose sum is not positive, or below
    /// <c>Partners:MinimumPayout</c>, makes no payout: its entries carry forward, so a negative balance
    /// after a refund is recovered from the next payout.
    /// </summary>
    public async Task<Result<GeneratedPayouts>> GenerateForAsync(PartnerAccount partner, CancellationToken ct)
    {
        // The quick answer for a partner already known to wait; the attach itself decides.
        if (!PaysOut(partner.Status)) return PayoutsWait(partner.Status);

        var now = clock.GetUtcNow().UtcDateTime;
        var currencies = await db.PartnerEarnings
            .Where(e => e.PartnerId == partner.Id && e.PayoutId == null && e.PayableAt <= now)
            .Select(e => e.Currency).Distinct().ToListAsync(ct);
        var payouts = new List<PayoutDto>();
        foreach (var currency in currencies.Order(StringComparer.Ordinal))
        {
            var (payout, refusal) = await GenerateOneAsync(partner, currency, now, ct);
            if (refusal is not null) return refusal;
            if (payout is not null) payouts.Add(PayoutDto.From(payout));
        }
        return new GeneratedPayouts(payouts);
    }

    private Task<(PartnerPayout? Payout, AppError? Refusal)> GenerateOneAsync(PartnerAccount partner, string currency, DateTime now, CancellationToken ct) =>
        UnitOfWork.RunAsync<(PartnerPayout?, AppError?)>(db, async (work, ct) =>
        {
            var payout = new PartnerPayout
            {
                Id = ids.NewId(),
                PartnerId = partner.Id,
                Currency = currency,
                Status = PayoutStatus.Owed,
                PayoutMethod = PayoutPreferences.MethodOf(partner.PayoutPreferences),
                PayoutDetails = partner.PayoutPreferences,
                GeneratedByUserId = currentUser.Info?.Id,
                CreatedAt = now,
            };
            db.PartnerPayouts.Add(payout);
            await db.SaveChangesAsync(ct);

            var attached = await AttachAsync(db, partner.Id, currency, now, payout.Id, ct);
            // Suspended meanwhile, lost the race or nothing owed: the entries stay where they were.
            if (attached == 0) return work.Discard<(PartnerPayout?, AppError?)>((null, await PayoutsWaitAsync(partner.Id, ct)));
            var amount = await db.PartnerEarnings.Where(e => e.PayoutId == payout.Id).SumAsync(e => e.PartnerNet, ct);
            if (amount <= 0 || amount < options.Value.MinimumFor(currency)) return work.Discard<(PartnerPayout?, AppError?)>((null, null));

            payout.Amount = amount;
            await LedgerSql.AttachedAsync(db, partner.Id, currency, attached, amount, ct);
            audit.Record(AuditActions.PartnerPayoutGenerated, nameof(PartnerPayout), payout.Id, partner.TenantId,
                new { payout.PartnerId, payout.Currency, payout.Amount, earnings = attached });
            return (payout, null);
        }, ct);

    /// <summary>
    /// The partner's payable entries in the currency that no payout has taken join this one, while the
    /// partner pays out; how many did.
    /// </summary>
    internal static async Task<int> AttachAsync(AppDbContext db, Guid partnerId, string currency, DateTime now, Guid payoutId, CancellationToken ct)
    {
        var paying = StateMachines.PartnerStatusesThatPayOut;
        // A partner's first payout after a busy year attaches a million entries in this one
        // statement: on a server database that outlasts the 30 s default command timeout.
        var timeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(AttachTimeout);
        try
        {
            return await db.PartnerEarnings
                .Where(e => e.PartnerId == partnerId && e.Currency == currency && e.PayoutId == null && e.PayableAt <= now
                    && db.PartnerAccounts.Any(p => p.Id == partnerId && paying.Contains(p.Status)))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.PayoutId, payoutId), ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(timeout);
        }
    }

    private static readonly TimeSpan AttachTimeout = TimeSpan.FromMinutes(5);

    private static bool PaysOut(PartnerStatus status) => StateMachines.PartnerStatusesThatPayOut.Contains(status);

    private static AppError PayoutsWait(PartnerStatus status) =>
        AppError.Conflict($"Payouts wait while the partner is {StateMachine<PartnerStatus>.Words(status)}.");

    /// <summary>The refusal when the partner's status, read in the transaction whose update it stopped, is why; else null.</summary>
    private async Task<AppError?> PayoutsWaitAsync(Guid partnerId, CancellationToken ct)
    {
        var status = await db.PartnerAccounts.Where(p => p.Id == partnerId).Select(p => p.Status).SingleAsync(ct);
        return PaysOut(status) ? null : PayoutsWait(status);
    }

    public Task<Result<PayoutDto>> ApproveAsync(Guid partnerId, Guid payoutId, CancellationToken ct) =>
        TransitionAsync(partnerId, payoutId, PayoutStatus.Approved, null, AuditActions.PartnerPayoutApproved, ct);

    public Task<Result<PayoutDto>> MarkPaidAsync(Guid partnerId, Guid payoutId, string? reference, CancellationToken ct) =>
        TransitionAsync(partnerId, payoutId, PayoutStatus.Paid, reference?.Trim(), AuditActions.PartnerPayoutPaid, ct);

    /// <summary>
    /// One conditional update moves the payout where <see cref="StateMachines.Payout"/> allows it, and only
    /// while its partner pays out: a suspension committed first refuses it, and a race has one winner.
    /// </summary>
    private async Task<Result<PayoutDto>> TransitionAsync(
        Guid partnerId, Guid payoutId, PayoutStatus to, string? reference, string action, CancellationToken ct)
    {
        var partner = await access.FindAsync(partnerId, ct);
        if (partner is null) return AppError.NotFound("Partner account");
        var refusal = await UnitOfWork.RunAsync<AppError?>(db, async (work, ct) =>
        {
            var payout = await db.PartnerPayouts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == payoutId && p.PartnerId == partnerId, ct);
            if (payout is null) return work.Discard(AppError.NotFound("Payout"));
            if (to == PayoutStatus.Approved && options.Value.RequireSecondApprover && payout.GeneratedByUserId is { } generator
                && generator == currentUser.Info?.Id)
                return work.Discard(AppError.Forbidden("A second admin must approve a payout; you generated this one."));

            if (to == PayoutStatus.Paid && payout.Status == PayoutStatus.Processing)
                return work.Discard(AppError.Conflict("The payout is being sent with Stripe; its transfer settles it."));
            if (await MoveAsync(db, payoutId, to, clock.GetUtcNow().UtcDateTime, reference, ct) == 0)
                return work.Discard(await PayoutsWaitAsync(partnerId, ct) ?? AppError.Conflict(StateMachines.Payout.Refusal(payout.Status, to)));

            audit.Record(action, nameof(PartnerPayout), payoutId, partner.TenantId,
                new { payout.PartnerId, payout.Currency, payout.Amount, reference });
            return null;
        }, ct);
        if (refusal is not null) return refusal;
        return PayoutDto.From(await db.PartnerPayouts.AsNoTracking().SingleAsync(p => p.Id == payoutId, ct));
    }

    /// <summary>
    /// The payout moves to <paramref name="to"/> (approved, or paid with its reference) only from a status
    /// <see cref="StateMachines.Payout"/> allows and while its partner pays out; 0 when it did not.
    /// </summary>
    internal static Task<int> MoveAsync(AppDbContext db, Guid payoutId, PayoutStatus to, DateTime now, string? reference, CancellationToken ct)
    {
        // Paid by hand only from approved: a processing payout is its transfer job's to settle, or it could be paid twice.
        var (from, paying) = (to == PayoutStatus.Paid ? [PayoutStatus.Approved] : StateMachines.Payout.From(to), StateMachines.PartnerStatusesThatPayOut);
        var moving = db.PartnerPayouts.Where(p => p.Id == payoutId && from.Contains(p.Status)
            && db.PartnerAccounts.Any(a => a.Id == p.PartnerId && paying.Contains(a.Status)));
        return to == PayoutStatus.Approved
            ? moving.ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, to).SetProperty(p => p.ApprovedAt, now), ct)
            : moving.ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, to).SetProperty(p => p.PaidAt, now).SetProperty(p => p.Reference, reference), ct);
    }

    public async Task<Result<Page<PayoutDto>>> ListAsync(Guid partnerId, PayoutListQuery query, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        return await PageAsync(partnerId, query, ct);
    }

    /// <summary>For a partner the caller already resolved through <see cref="PartnerAccess"/>: no second look-up.</summary>
    public Task<Page<PayoutDto>> ListAsync(PartnerDto partner, PayoutListQuery query, CancellationToken ct) => PageAsync(partner.Id, query, ct);

    public async Task<Result<Page<PayoutDto>>> ListMineAsync(PayoutListQuery query, CancellationToken ct) =>
        await access.MineAsync(ct) is { } partner ? await PageAsync(partner.Id, query, ct) : AppError.NotFound("Partner account");

    private Task<Page<PayoutDto>> PageAsync(Guid partnerId, PayoutListQuery query, CancellationToken ct)
    {
        var payouts = db.PartnerPayouts.AsNoTracking().Where(p => p.PartnerId == partnerId);
        if (query.Status is { } status) payouts = payouts.Where(p => p.Status == status);
        return payouts.ToPageAsync(query.ToRequest(), PayoutDto.From, ct);
    }
}
