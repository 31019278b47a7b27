using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using Stripe;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// <c>account.updated</c> from the Connect webhook onto the partner's row. Stripe does not keep its events in
/// order, so an event older than the state held changes nothing (<c>stale</c>); the update is conditional on
/// that, so two deliveries at once cannot put the older one last either.
/// </summary>
public sealed class StripeAccountUpdates(AppDbContext db, AuditLog audit, TimeProvider clock, ILogger<StripeAccountUpdates> logger)
{
    public static StripeAccountSnapshot Snapshot(Account account, DateTime at) => new(
        account.Id, account.PayoutsEnabled, account.ChargesEnabled, account.DetailsSubmitted,
        account.Requirements?.CurrentlyDue ?? [], account.Requirements?.DisabledReason, at);

    /// <returns><c>updated</c>, <c>unchanged</c>, <c>stale</c>, <c>duplicate</c>, or <c>ignored</c> for an account that is no partner's.</returns>
    public async Task<string> ApplyAsync(StripeEventRef stripeEvent, StripeAccountSnapshot seen, CancellationToken ct)
    {
        try
        {
            return await UnitOfWork.RunAsync(db, async (work, ct) =>
            {
                if (await StripeEventLedger.SeenAsync(db, stripeEvent.Id, ct)) return work.Discard("duplicate");
                var row = await db.PartnerStripeAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.AccountId == seen.AccountId, ct);
                if (row is null)
                {
                    logger.LogWarning("Stripe event {EventId} ({Type}) names account {Account}, which is no partner's", stripeEvent.Id, stripeEvent.Type, seen.AccountId);
                    return work.Discard("ignored");
                }

                var outcome = await RecordAsync(db, row.PartnerId, seen, ct) == 0 ? "stale" : seen.Matches(row) ? "unchanged" : "updated";
                if (outcome == "updated")
                {
                    var tenantId = await db.PartnerAccounts.Where(p => p.Id == row.PartnerId).Select(p => p.TenantId).SingleAsync(ct);
                    audit.Record(AuditActions.PartnerStripeAccountUpdated, nameof(PartnerAccount), row.PartnerId, tenantId, new
                    {
                        row.AccountId, eventId = stripeEvent.Id, from = StripeAccounts.StateOf(row).Name(), to = seen.State.Name(),
                        seen.PayoutsEnabled, seen.ChargesEnabled, seen.DetailsSubmitted, requirementsDue = seen.CurrentlyDue, disabledReason = seen.StoredDisabledReason,
                    });
                }
                db.ProcessedStripeEvents.Add(StripeEventLedger.Row(stripeEvent, null, outcome, clock.GetUtcNow().UtcDateTime));
                return outcome;
            }, ct);
        }
        catch (DbUpdateException)
        {
            // The same event delivered twice at once: the other delivery recorded it.
            if (await StripeEventLedger.SeenAsync(db, stripeEvent.Id, ct)) return "duplicate";
            throw;
        }
    }

    /// <summary>Writes what the account says unless the row holds a later state already; 0 when it does.</summary>
    internal static Task<int> RecordAsync(AppDbContext db, Guid partnerId, StripeAccountSnapshot seen, CancellationToken ct)
    {
        var (due, reason) = (seen.RequirementsDue, seen.StoredDisabledReason);
        return db.PartnerStripeAccounts.Where(a => a.PartnerId == partnerId && a.UpdatedAt <= seen.At)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.PayoutsEnabled, seen.PayoutsEnabled).SetProperty(a => a.ChargesEnabled, seen.ChargesEnabled)
                .SetProperty(a => a.DetailsSubmitted, seen.DetailsSubmitted).SetProperty(a => a.RequirementsDue, due)
                .SetProperty(a => a.DisabledReason, reason).SetProperty(a => a.UpdatedAt, seen.At), ct);
    }
}
