using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

/// <summary>The operator's queue: one of <see cref="PayoutQueue.Statuses"/>, or all of them.</summary>
public sealed class PayoutQueueQuery : PageQuery
{
    public PayoutStatus? Status { get; init; }
}

public sealed record QueuedPayout(
    Guid Id, Guid PartnerId, string PartnerName, long Amount, string Currency, string? Method, PayoutStatus Status,
    DateTime CreatedAt, DateTime? ApprovedAt, string? FailureMessage);

/// <summary>How many payouts of the queue are in a status and currency, and their sum (minor units).</summary>
public sealed record PayoutTotal(PayoutStatus Status, string Currency, int Count, long Amount);

public sealed record PayoutQueuePage(IReadOnlyList<QueuedPayout> Items, bool HasMore, string? NextCursor, IReadOnlyList<PayoutTotal> Totals);

/// <summary>What one payout of a bulk action came to: <see cref="Error"/> is null when it went through.</summary>
public sealed record PayoutOutcome(Guid PayoutId, string PartnerName, long Amount, string Currency, AppError? Error);

/// <summary>What a run over every partner that is paid out made: payouts per currency, and the partners that got none.</summary>
public sealed record PayoutRun(int Partners, IReadOnlyList<PayoutTotal> Created, IReadOnlyList<string> NothingOwed, IReadOnlyList<PartnerRefusal> Refused);

public sealed record PartnerRefusal(string Partner, string Reason);

/// <summary>
/// Every partner's payouts that wait for an operator (owed, approved, processing, failed), and the actions on
/// many of them at once. Each action calls <see cref="PayoutService"/> or <see cref="PayoutSending"/> once per
/// payout or partner, so every change keeps its own transaction, its own checks and its own audit row.
/// </summary>
public sealed class PayoutQueue(AppDbContext db, PayoutService payouts, PayoutSending sending)
{
    public static readonly PayoutStatus[] Statuses = [PayoutStatus.Owed, PayoutStatus.Approved, PayoutStatus.Processing, PayoutStatus.Failed];

    /// <summary>
    /// <see cref="Statuses"/> written out as constants, as the filter of IX_PartnerPayouts_Queue names them: a
    /// database uses a partial index only for a query whose WHERE names the index's own constants, and a
    /// parameter list (Contains) would not.
    /// </summary>
    internal static readonly Expression<Func<PartnerPayout, bool>> NeedsAction = p =>
        p.Status == PayoutStatus.Owed || p.Status == PayoutStatus.Approved || p.Status == PayoutStatus.Processing || p.Status == PayoutStatus.Failed;

    public const int MaxSelection = PageQuery.MaxLimit;

    /// <summary>
    /// One keyset page (newest first), with the partners' names, and the totals per status and currency of the
    /// whole queue, summed by the database over the queue's covering index: the cost follows the queue, not
    /// the payouts ever made.
    /// </summary>
    public async Task<PayoutQueuePage> ListAsync(PayoutQueueQuery query, CancellationToken ct)
    {
        var queued = db.PartnerPayouts.AsNoTracking().Where(NeedsAction);
        var page = await (query.Status is { } status ? queued.Where(p => p.Status == status) : queued).ToPageAsync(query.ToRequest(), p => p, ct);
        var names = await NamesAsync(page.Items.Select(p => p.PartnerId), ct);
        var totals = await Totals(queued).ToListAsync(ct);
        return new PayoutQueuePage(
            page.Items.Select(p => new QueuedPayout(p.Id, p.PartnerId, names.GetValueOrDefault(p.PartnerId, ""), p.Amount, p.Currency,
                p.PayoutMethod, p.Status, p.CreatedAt, p.ApprovedAt, p.FailureMessage)).ToList(),
            page.HasMore, page.NextCursor, Ordered(totals));
    }

    private static IQueryable<PayoutTotal> Totals(IQueryable<PartnerPayout> payouts) => payouts
        .GroupBy(p => new { p.Status, p.Currency })
        .Select(g => new PayoutTotal(g.Key.Status, g.Key.Currency, g.Count(), g.Sum(p => p.Amount)));

    private static List<PayoutTotal> Ordered(IEnumerable<PayoutTotal> totals) =>
        totals.OrderBy(t => Array.IndexOf(Statuses, t.Status)).ThenBy(t => t.Currency, StringComparer.Ordinal).ToList();

    private Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> partnerIds, CancellationToken ct)
    {
        var ids = partnerIds.Distinct().ToList();
        return db.PartnerAccounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
    }

    public Task<IReadOnlyList<PayoutOutcome>> ApproveAsync(IReadOnlyList<Guid> payoutIds, CancellationToken ct) =>
        EachAsync(payoutIds, (partnerId, payoutId) => payouts.ApproveAsync(partnerId, payoutId, ct), ct);

    public Task<IReadOnlyList<PayoutOutcome>> MarkPaidAsync(IReadOnlyList<Guid> payoutIds, string reference, CancellationToken ct) =>
        EachAsync(payoutIds, (partnerId, payoutId) => payouts.MarkPaidAsync(partnerId, payoutId, reference, ct), ct);

    public Task<IReadOnlyList<PayoutOutcome>> SendAsync(IReadOnlyList<Guid> payoutIds, CancellationToken ct) =>
        EachAsync(payoutIds, (partnerId, payoutId) => sending.SendAsync(partnerId, payoutId, ct), ct);

    /// <summary>The action for each payout in the order given (each once), and its outcome.</summary>
    private async Task<IReadOnlyList<PayoutOutcome>> EachAsync(
        IReadOnlyList<Guid> payoutIds, Func<Guid, Guid, Task<Result<PayoutDto>>> act, CancellationToken ct)
    {
        var ids = payoutIds.Distinct().ToList();
        var found = await db.PartnerPayouts.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Join(db.PartnerAccounts, p => p.PartnerId, a => a.Id, (p, a) => new { p.Id, p.PartnerId, a.DisplayName, p.Amount, p.Currency })
            .ToDictionaryAsync(p => p.Id, ct);
        var outcomes = new List<PayoutOutcome>(ids.Count);
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var p))
            {
                outcomes.Add(new PayoutOutcome(id, "", 0, "", AppError.NotFound("Payout")));
                continue;
            }
            var result = await act(p.PartnerId, id);
            outcomes.Add(new PayoutOutcome(id, p.DisplayName, p.Amount, p.Currency, result.Error));
        }
        return outcomes;
    }

    /// <summary>
    /// <see cref="PayoutService.GenerateForAsync"/> for every partner that is paid out, a page of partners at a
    /// time. Generation takes only entries no payout holds yet, so a second run makes nothing new.
    /// </summary>
    public async Task<PayoutRun> GenerateForAllAsync(CancellationToken ct)
    {
        var paying = StateMachines.PartnerStatusesThatPayOut;
        var partners = db.PartnerAccounts.AsNoTracking().Where(a => paying.Contains(a.Status));
        var (count, created, nothingOwed, refused) = (0, new List<PayoutDto>(), new List<string>(), new List<PartnerRefusal>());
        Cursor? after = null;
        do
        {
            var page = await partners.ToPageAsync(new PageRequest(PageQuery.MaxLimit, after), a => a, ct);
            foreach (var partner in page.Items)
            {
                count++;
                var result = await payouts.GenerateForAsync(partner, ct);
                if (result.Error is { } error) refused.Add(new PartnerRefusal(partner.DisplayName, error.Title));
                else if (result.Value!.Payouts.Count == 0) nothingOwed.Add(partner.DisplayName);
                else created.AddRange(result.Value.Payouts);
            }
            after = page.HasMore ? new Cursor(page.Items[^1].CreatedAt, page.Items[^1].Id) : null;
        }
        while (after is not null);
        var perCurrency = created.GroupBy(p => p.Currency)
            .Select(g => new PayoutTotal(PayoutStatus.Owed, g.Key, g.Count(), g.Sum(p => p.Amount)));
        return new PayoutRun(count, Ordered(perCurrency), nothingOwed, refused);
    }
}
