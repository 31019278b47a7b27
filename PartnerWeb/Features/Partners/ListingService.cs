using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Listings tie a marketplace item to the partner who earns on it. Commission is the platform's
/// decision: partners list their own tenant's items at the default commission and may only
/// pause or resume them.
/// </summary>
public sealed class ListingService(
    AppDbContext db, PartnerAccess access, AuditLog audit, IdGenerator ids, TimeProvider clock, IOptions<PartnerOptions> options)
{
    public async Task<Result<ListingDto>> CreateAsync(Guid partnerId, CreateListingRequest request, CancellationToken ct)
    {
        var user = access.User;
        var partner = await access.FindAsync(partnerId, ct);
        if (partner is null) return AppError.NotFound("Partner account");

        CommissionRule rule;
        if (user.IsPlatformAdmin)
        {
            var chosen = ChooseRule(request.CommissionType, request.CommissionValue, current: null);
            if (!chosen.IsSuccess) return chosen.Error!;
            rule = chosen.Value;
        }
        else
        {
            if (partner.Status != PartnerStatus.Approved) return AppError.Forbidden("Only an approved partner creates listings.");
            if (request.CommissionType is not null || request.CommissionValue is not null)
                return AppError.Forbidden("Commission is set by the platform; leave commissionType and commissionValue out.");
            rule = options.Value.DefaultCommission.ToRule();
        }

        var item = await db.MarketplaceItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == request.MarketplaceItemId, ct);
        if (item is null) return AppError.NotFound("Marketplace item");
        if (!user.IsPlatformAdmin && item.PublisherTenantId != partner.TenantId)
            return AppError.Forbidden("A partner lists only items its own tenant published.");
        if (await db.PartnerListings.AnyAsync(l => l.MarketplaceItemId == item.Id, ct))
            return AppError.Conflict("This item is already listed.");

        var listing = new PartnerListing
        {
            Id = ids.NewId(), PartnerId = partner.Id, MarketplaceItemId = item.Id,
            Status = ListingStatus.Active, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        listing.SetRule(rule);
        db.PartnerListings.Add(listing);
        audit.Record(AuditActions.PartnerListingCreated, nameof(PartnerListing), listing.Id, partner.TenantId, new
        {
            listing.PartnerId, listing.MarketplaceItemId, commissionType = rule.Type.ToString().ToLowerInvariant(), commissionValue = rule.Value,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.PartnerListings.AnyAsync(l => l.MarketplaceItemId == item.Id, ct)) return AppError.Conflict("This item is already listed.");
            throw;
        }
        return ListingDto.From(listing);
    }

    /// <summary>
    /// Platform admins change anything; the partner itself only the status, which moves by a conditional
    /// update where <see cref="StateMachines.Listing"/> allows it. Asking for the status it has changes nothing.
    /// </summary>
    public async Task<Result<ListingDto>> UpdateAsync(Guid partnerId, Guid listingId, UpdateListingRequest request, CancellationToken ct)
    {
        var user = access.User;
        var partner = await access.FindAsync(partnerId, ct);
        if (partner is null) return AppError.NotFound("Partner account");
        if (!user.IsPlatformAdmin && request.ChangesCommission)
            return AppError.Forbidden("Commission is set by the platform; a partner may only change the status.");
        if (!user.IsPlatformAdmin && partner.Status != PartnerStatus.Approved)
            return AppError.Conflict($"A partner changes its listings only while approved; this one is {StateMachine<PartnerStatus>.Words(partner.Status)}.");

        return await UnitOfWork.RunAsync<Result<ListingDto>>(db, async (work, ct) =>
        {
            var listing = await db.PartnerListings.FirstOrDefaultAsync(l => l.Id == listingId && l.PartnerId == partner.Id, ct);
            if (listing is null) return work.Discard(AppError.NotFound("Listing"));

            var before = new { status = listing.Status, commissionType = listing.CommissionType, commissionValue = listing.Rule.Value, pausedByPlatform = listing.PausedByPlatform };
            if (request.ChangesCommission)
            {
                var chosen = ChooseRule(request.CommissionType, request.CommissionValue, listing.Rule);
                if (!chosen.IsSuccess) return work.Discard(chosen.Error!);
                listing.SetRule(chosen.Value);
            }
            if (request.Status is { } to && to != listing.Status)
            {
                if (!user.IsPlatformAdmin && to == ListingStatus.Active && listing.PausedByPlatform)
                    return work.Discard(AppError.Forbidden("The platform paused this listing; only the platform resumes it."));
                if (await MoveAsync(db, listing.Id, to, ct) == 0) return work.Discard(AppError.Conflict(StateMachines.Listing.Refusal(listing.Status, to)));
                // The update above wrote it, so it becomes the tracked listing's stored value too and
                // SaveChanges writes only a commission change.
                listing.Status = to;
                db.Entry(listing).Property(l => l.Status).OriginalValue = to;
                listing.PausedByPlatform = to == ListingStatus.Paused && user.IsPlatformAdmin;
            }

            var after = new { status = listing.Status, commissionType = listing.CommissionType, commissionValue = listing.Rule.Value, pausedByPlatform = listing.PausedByPlatform };
            // Anonymous types compare by value with Equals (their == compares references).
            if (!before.Equals(after))
                audit.Record(AuditActions.PartnerListingUpdated, nameof(PartnerListing), listing.Id, partner.TenantId, new { before, after });
            return ListingDto.From(listing);
        }, ct);
    }

    /// <summary>The listing moves to <paramref name="to"/> only from a status <see cref="StateMachines.Listing"/> allows; 0 when it did not.</summary>
    internal static Task<int> MoveAsync(AppDbContext db, Guid listingId, ListingStatus to, CancellationToken ct)
    {
        var from = StateMachines.Listing.From(to);
        return db.PartnerListings.Where(l => l.Id == listingId && from.Contains(l.Status)).ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, to), ct);
    }

    public async Task<Result<Page<ListingDto>>> ListAsync(Guid partnerId, PageQuery query, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        return await db.PartnerListings.AsNoTracking().Where(l => l.PartnerId == partnerId).ToPageAsync(query.ToRequest(), ListingDto.From, ct);
    }

    /// <summary>
    /// Listings with their item's name and currency, for the dashboards, for a partner the caller
    /// already resolved through <see cref="PartnerAccess"/>: no second look-up.
    /// </summary>
    public async Task<IReadOnlyList<ListingView>> ListWithItemsAsync(PartnerDto partner, CancellationToken ct)
    {
        var rows = await db.PartnerListings.AsNoTracking().Where(l => l.PartnerId == partner.Id)
            .Join(db.MarketplaceItems, l => l.MarketplaceItemId, i => i.Id, (l, i) => new { Listing = l, i.Name, i.Currency, i.Price })
            .OrderByDescending(x => x.Listing.CreatedAt)
            .ToListAsync(ct);
        return rows.Select(x => new ListingView(ListingDto.From(x.Listing), x.Name, x.Price, x.Currency)).ToList();
    }

    /// <summary>Items this caller could list for the partner: unlisted, and for the partner itself only its tenant's.</summary>
    public async Task<IReadOnlyList<ItemOption>> ListableItemsAsync(Guid partnerTenantId, CancellationToken ct)
    {
        var items = db.MarketplaceItems.AsNoTracking().Where(i => !db.PartnerListings.Any(l => l.MarketplaceItemId == i.Id));
        if (!access.User.IsPlatformAdmin) items = items.Where(i => i.PublisherTenantId == partnerTenantId);
        return await items.OrderBy(i => i.Name).Select(i => new ItemOption(i.Id, i.Name, i.Price, i.Currency)).ToListAsync(ct);
    }

    /// <summary>
    /// The rule a request asks for. A type without a value is refused; a value alone keeps the
    /// current type; neither falls back to the current rule or, for a new listing, the default.
    /// </summary>
    private Result<CommissionRule> ChooseRule(CommissionType? type, decimal? value, CommissionRule? current)
    {
        if (type is null && value is null) return current ?? options.Value.DefaultCommission.ToRule();
        if (type is not null && value is null && type != current?.Type)
            return AppError.Validation("commissionValue", "commissionValue is required with commissionType.");
        var effectiveType = type ?? current?.Type ?? options.Value.DefaultCommission.Type;
        var (rule, error) = CommissionRules.Create(effectiveType, value ?? current!.Value.Value);
        return rule is { } r ? r : AppError.Validation("commissionValue", error!);
    }
}
