using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

public sealed class PartnerAccountService(AppDbContext db, PartnerAccess access, AuditLog audit, IdGenerator ids, TimeProvider clock)
{
    private const int MaxPreferencesLength = 4000;

    public async Task<Result<PartnerDto>> ApplyAsync(ApplyRequest request, CancellationToken ct)
    {
        var user = access.User;
        if (await db.Tenants.AnyAsync(t => t.Id == user.TenantId && t.IsPlatform, ct))
            return AppError.Forbidden("The platform tenant cannot apply as a partner.");
        if (!Countries.TryNormalize(request.Country, out var country))
            return AppError.Validation("country", "country must be an ISO 3166-1 alpha-2 code, such as US.");
        if (ValidatePreferences(request.PayoutPreferences!.Value) is { } error)
            return AppError.Validation("payoutPreferences", error);
        if (await access.MineAsync(ct) is not null)
            return AppError.Conflict("This tenant already has a partner account.");

        var partner = new PartnerAccount
        {
            Id = ids.NewId(),
            TenantId = user.TenantId,
            Status = PartnerStatus.Pending,
            DisplayName = request.DisplayName!.Trim(),
            ContactEmail = request.ContactEmail!.Trim(),
            Country = country,
            PayoutPreferences = request.PayoutPreferences.Value.GetRawText(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.PartnerAccounts.Add(partner);
        audit.Record(AuditActions.PartnerApplied, nameof(PartnerAccount), partner.Id, partner.TenantId,
            new { partner.DisplayName, partner.ContactEmail, partner.Country });
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

    private static string? ValidatePreferences(JsonElement preferences)
    {
        if (preferences.ValueKind != JsonValueKind.Object) return "payoutPreferences must be a JSON object.";
        if (!preferences.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(method.GetString()) || method.GetString()!.Length > 50)
            return "payoutPreferences.method is required (a string of at most 50 characters).";
        return preferences.GetRawText().Length > MaxPreferencesLength
            ? $"payoutPreferences must be at most {MaxPreferencesLength} characters of JSON."
            : null;
    }

    /// <summary>The partner (or a platform admin) chooses how it is paid: <c>stripe_connect</c> or a manual method.</summary>
    public async Task<Result<PartnerDto>> UpdatePayoutPreferencesAsync(Guid partnerId, JsonElement preferences, CancellationToken ct)
    {
        if (await access.FindAsync(partnerId, ct) is null) return AppError.NotFound("Partner account");
        if (ValidatePreferences(preferences) is { } error) return AppError.Validation("payoutPreferences", error);
        return await UnitOfWork.RunAsync(db, async (work, ct) =>
        {
            var partner = await db.PartnerAccounts.SingleAsync(p => p.Id == partnerId, ct);
            partner.PayoutPreferences = preferences.GetRawText();
            audit.Record(AuditActions.PartnerPayoutPreferencesUpdated, nameof(PartnerAccount), partner.Id, partner.TenantId,
                new { method = preferences.GetProperty("method").GetString() });
            return PartnerDto.From(partner);
        }, ct);
    }

    /// <summary>The method of the partner's payout preferences (validated on the way in).</summary>
    public static string? MethodOf(string preferences)
    {
        using var json = JsonDocument.Parse(preferences);
        return json.RootElement.TryGetProperty("method", out var method) ? method.GetString() : null;
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
