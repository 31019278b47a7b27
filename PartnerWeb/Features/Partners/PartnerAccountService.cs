using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class PartnerAccountService(AppDbContext db, PartnerAccess access, AuditLog audit, IdGenerator ids, TimeProvider clock)
{
    public async Task<Result<PartnerDto>> ApplyAsync(ApplyRequest request, CancellationToken ct)
    {
        var user = access.User;
        if (await db.Tenants.AnyAsync(t => t.Id == user.TenantId && t.IsPlatform, ct))
            return AppError.Forbidden("The platform tenant cannot apply as a partner.");
        var errors = new Dictionary<string, string[]>();
        if (!TextSafety.TryNormalizeName(request.DisplayName, out var displayName))
            errors["displayName"] = [TextSafety.NameRefusal("displayName")];
        if (!Countries.TryNormalize(request.Country, out var country))
            errors["country"] = ["country must be an ISO 3166-1 alpha-2 code, such as US."];
        var preferences = request.PayoutPreferences!.Normalize("payoutPreferences", errors);
        if (errors.Count > 0) return AppError.Validation(errors);
        if (await access.MineAsync(ct) is { } existing)
            return existing.Status == PartnerStatus.Rejected
                ? await ApplyAgainAsync(existing.Id, displayName, request.ContactEmail!.Trim(), country, preferences!, ct)
                : AppError.Conflict("This tenant already has a partner account.");

        var partner = new PartnerAccount
        {
            Id = ids.NewId(),
            TenantId = user.TenantId,
            Status = PartnerStatus.Pending,
            DisplayName = displayName,
            ContactEmail = request.ContactEmail!.Trim(),
            Country = country,
            PayoutPreferences = preferences!.ToJson(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.PartnerAccounts.Add(partner);
        audit.Record(AuditActions.PartnerApplied, nameof(PartnerAccount), partner.Id, partner.TenantId,
            new { partner.DisplayName, partner.ContactEmail, partner.Country, payoutPreferences = preferences.AuditSummary() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent application of the same tenant may have won the unique index.
            db.ChangeTracker.Clear();
            if (await access.MineAsync(ct) is not null) return AppError.Conflict("This tenant already has a partner account.");
            throw;
        }
        return PartnerDto.From(partner);
    }

    /// <summary>
    /// A rejected tenant applies again: one account per tenant (unique index on TenantId), so the same account goes
    /// back to pending with the new details, keeping its id, creation time and history. Audited as an application.
    /// </summary>
    private async Task<Result<PartnerDto>> ApplyAgainAsync(
        Guid id, string displayName, string contactEmail, string country, PayoutPreferences preferences, CancellationToken ct)
    {
        var details = new ApplicationDetails(displayName, contactEmail, country, preferences.ToJson());
        var refusal = await UnitOfWork.RunAsync<AppError?>(db, async (work, ct) =>
        {
            if (await ReapplyAsync(db, id, details, ct) == 0)
                return work.Discard(AppError.Conflict("This tenant already has a partner account."));
            audit.Record(AuditActions.PartnerApplied, nameof(PartnerAccount), id, access.User.TenantId, new
            {
                displayName, contactEmail, country, payoutPreferences = preferences.AuditSummary(), from = "rejected",
            });
            return null;
        }, ct);
        return refusal ?? await MineAsync(ct);
    }

    internal sealed record ApplicationDetails(string DisplayName, string ContactEmail, string Country, string PayoutPreferences);

    /// <summary>Rejected → pending with the new details, by a conditional update: 0 when the account is not (or no longer) rejected.</summary>
    internal static Task<int> ReapplyAsync(AppDbContext db, Guid id, ApplicationDetails details, CancellationToken ct)
    {
        var from = StateMachines.Partner.From(PartnerStatus.Pending);
        return db.PartnerAccounts.Where(p => p.Id == id && from.Contains(p.Status)).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, PartnerStatus.Pending)
            .SetProperty(p => p.DisplayName, details.DisplayName)
            .SetProperty(p => p.ContactEmail, details.ContactEmail)
            .SetProperty(p => p.Country, details.Country)
            .SetProperty(p => p.PayoutPreferences, details.PayoutPreferences), ct);
    }

    /// <summary>
    /// The partner itself (owner/admin of its tenant) or a platform admin changes the contact email and/or how
    /// the partner is paid, whatever the partner's status: a suspended partner may still be owed money. One
    /// <c>PARTNER_UPDATED</c> event names the fields changed; of an account number it keeps the last four characters.
    /// </summary>
    public async Task<Result<PartnerDto>> UpdateAsync(Guid partnerId, UpdatePartnerRequest request, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        if (request.ContactEmail is null && request.PayoutPreferences is null)
            return AppError.Validation("contactEmail", "Send contactEmail, payoutPreferences or both.");
        var errors = new Dictionary<string, string[]>();
        var preferences = request.PayoutPreferences?.Normalize("payoutPreferences", errors);
        if (errors.Count > 0) return AppError.Validation(errors);
        var contactEmail = request.ContactEmail?.Trim();

        return await UnitOfWork.RunAsync(db, async (work, ct) =>
        {
            var partner = await db.PartnerAccounts.SingleAsync(p => p.Id == partnerId, ct);
            if (contactEmail is not null) partner.ContactEmail = contactEmail;
            if (preferences is not null) partner.PayoutPreferences = preferences.ToJson();
            var changed = new[] { contactEmail is null ? null : "contactEmail", preferences is null ? null : "payoutPreferences" }.OfType<string>();
            audit.Record(AuditActions.PartnerUpdated, nameof(PartnerAccount), partner.Id, partner.TenantId,
                new { changed, contactEmail, payoutPreferences = preferences?.AuditSummary() });
            return PartnerDto.From(partner);
        }, ct);
    }

    public async Task<Result<PartnerDto>> MineAsync(CancellationToken ct) =>
        await access.MineAsync(ct) is { } partner ? PartnerDto.From(partner) : AppError.NotFound("Partner account");

    public async Task<Result<PartnerDto>> GetAsync(Guid id, CancellationToken ct) =>
        await access.FindAsync(id, ct) is { } partner ? PartnerDto.From(partner) : AppError.NotFound("Partner account");

    public Task<Page<PartnerDto>> ListAsync(PartnerListQuery query, CancellationToken ct)
    {
        var partners = access.Visible();
        if (query.Status is { } status) partners = partners.Where(p => p.Status == status);
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            // LIKE is case-insensitive on SQLite and SQL Server's usual collations but not on PostgreSQL: compare lower-cased.
            var pattern = $"%{EscapeLike(query.Q.Trim().ToLowerInvariant())}%";
            partners = partners.Where(p => EF.Functions.Like(p.DisplayName.ToLower(), pattern, "\\") || EF.Functions.Like(p.ContactEmail.ToLower(), pattern, "\\"));
        }
        return partners.ToPageAsync(query.ToRequest(), PartnerDto.From, ct);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace("[", "\\[");

    public Task<Result<PartnerDto>> ApproveAsync(Guid id, CancellationToken ct) =>
        TransitionAsync(id, PartnerStatus.Approved, AuditActions.PartnerApproved, null, ct);

    public Task<Result<PartnerDto>> SuspendAsync(Guid id, string? reason, CancellationToken ct) =>
        TransitionAsync(id, PartnerStatus.Suspended, AuditActions.PartnerSuspended, reason?.Trim(), ct);

    /// <summary>A pending application turned down; the tenant may apply again (<see cref="ApplyAsync"/>).</summary>
    public Task<Result<PartnerDto>> RejectAsync(Guid id, string? reason, CancellationToken ct) =>
        TransitionAsync(id, PartnerStatus.Rejected, AuditActions.PartnerRejected, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), ct);

    /// <summary>A conditional update: only a partner whose status <see cref="StateMachines.Partner"/> lets become <paramref name="to"/> moves, and only once.</summary>
    private async Task<Result<PartnerDto>> TransitionAsync(Guid id, PartnerStatus to, string action, string? reason, CancellationToken ct)
    {
        var refusal = await UnitOfWork.RunAsync<AppError?>(db, async (work, ct) =>
        {
            var partner = await access.FindAsync(id, ct);
            if (partner is null) return work.Discard(AppError.NotFound("Partner account"));
            if (await MoveAsync(db, id, to, ct) == 0) return work.Discard(AppError.Conflict(StateMachines.Partner.Refusal(partner.Status, to)));
            audit.Record(action, nameof(PartnerAccount), id, partner.TenantId,
                new { from = partner.Status.ToString().ToLowerInvariant(), to = to.ToString().ToLowerInvariant(), reason });
            return null;
        }, ct);
        return refusal ?? await GetAsync(id, ct);
    }

    /// <summary>The partner moves to <paramref name="to"/> only from a status <see cref="StateMachines.Partner"/> allows; 0 when it did not.</summary>
    internal static Task<int> MoveAsync(AppDbContext db, Guid id, PartnerStatus to, CancellationToken ct)
    {
        var from = StateMachines.Partner.From(to);
        return db.PartnerAccounts.Where(p => p.Id == id && from.Contains(p.Status)).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, to), ct);
    }
}
