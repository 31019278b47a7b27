using Microsoft.EntityFrameworkCore;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Infrastructure;
using Stripe;

namespace PartnerWeb.Features.Partners;

/// <summary>Where the partner goes to give Stripe its details: a single-use link that expires within minutes.</summary>
public sealed record StripeOnboardingDto(string Url, DateTime ExpiresAt, string AccountId);

public sealed record PartnerStripeDto(
    string? AccountId, StripeAccountState State, bool PayoutsEnabled, bool DetailsSubmitted, IReadOnlyList<string> RequirementsDue, string? DisabledReason)
{
    public static PartnerStripeDto From(PartnerStripeAccount? account) => new(
        account?.AccountId, StripeAccounts.StateOf(account), account?.PayoutsEnabled ?? false, account?.DetailsSubmitted ?? false,
        StripeAccounts.Requirements(account), account?.DisabledReason);
}

/// <summary>
/// Issue 16: a partner is paid through a Stripe Express connected account, made on its first onboarding and
/// used by every later one; <see cref="StripeAccountUpdates"/> keeps its state current from the Connect webhook.
/// </summary>
public sealed class PartnerStripeService(
    AppDbContext db, PartnerAccess access, StripeGateway stripe, AuditLog audit, TimeProvider clock, ILogger<PartnerStripeService> logger)
{
    public async Task<Result<PartnerStripeDto>> GetAsync(Guid partnerId, CancellationToken ct) =>
        await access.FindAsync(partnerId, ct) is { } partner ? await StateAsync(partner.Id, ct) : AppError.NotFound("Partner account");

    /// <summary>For a partner the caller already resolved through <see cref="PartnerAccess"/>.</summary>
    public async Task<PartnerStripeDto> StateAsync(Guid partnerId, CancellationToken ct) =>
        PartnerStripeDto.From(await db.PartnerStripeAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.PartnerId == partnerId, ct));

    /// <param name="dashboard">The partner dashboard, where Stripe sends the partner back.</param>
    public async Task<Result<StripeOnboardingDto>> OnboardAsync(Guid partnerId, Uri dashboard, CancellationToken ct)
    {
        var partner = await access.FindAsync(partnerId, ct);
        if (partner is null) return AppError.NotFound("Partner account");
        // No connected account for a partner the platform has not approved, or has suspended.
        if (partner.Status != PartnerStatus.Approved) return AppError.Conflict("Only an approved partner sets up payouts with Stripe.");
        if (!stripe.Configured) return StripeGateway.NotConfigured;

        try
        {
            var accountId = await AccountIdAsync(partnerId, ct) ?? await CreateAccountAsync(partner, ct);
            // Each call is a new link (the last one may have been used or have expired); the key only makes a retried request safe.
            var link = await stripe.CreateAccountLinkAsync(new AccountLinkCreateOptions
            {
                Account = accountId,
                Type = "account_onboarding",
                ReturnUrl = $"{dashboard}?stripe=return",
                RefreshUrl = $"{dashboard}?stripe=refresh",
            }, $"connect-link-{partnerId:N}-{Guid.NewGuid():N}", ct);
            return new StripeOnboardingDto(link.Url, link.ExpiresAt, accountId);
        }
        catch (StripeException ex)
        {
            logger.LogError(ex, "Stripe refused the payout set-up of partner {PartnerId}", partnerId);
            return new AppError(StatusCodes.Status502BadGateway, "Stripe could not start the payout set-up; try again later.");
        }
    }

    private Task<string?> AccountIdAsync(Guid partnerId, CancellationToken ct) =>
        db.PartnerStripeAccounts.AsNoTracking().Where(a => a.PartnerId == partnerId).Select(a => a.AccountId).FirstOrDefaultAsync(ct);

    private async Task<string> CreateAccountAsync(PartnerAccount partner, CancellationToken ct)
    {
        // Stripe's Express account, said with the controller properties that replace the deprecated `type`.
        var account = await stripe.CreateAccountAsync(new AccountCreateOptions
        {
            Country = partner.Country,
            Email = partner.ContactEmail,
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "express" },
                Fees = new AccountControllerFeesOptions { Payer = "application" },
                Losses = new AccountControllerLossesOptions { Payments = "application" },
                RequirementCollection = "stripe",
            },
            Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
            Metadata = new Dictionary<string, string> { ["partnerId"] = partner.Id.ToString() },
        }, $"connect-account-{partner.Id:N}", ct);

        var row = StripeAccounts.NewRow(partner.Id, StripeAccountUpdates.Snapshot(account, account.Created), clock.GetUtcNow().UtcDateTime);
        try
        {
            await UnitOfWork.RunAsync(db, (work, ct) =>
            {
                db.PartnerStripeAccounts.Add(row);
                audit.Record(AuditActions.PartnerStripeAccountCreated, nameof(PartnerAccount), partner.Id, partner.TenantId,
                    new { row.AccountId, state = StripeAccounts.StateOf(row).Name(), requirementsDue = StripeAccounts.Requirements(row) });
                return Task.FromResult(true);
            }, ct);
            return row.AccountId;
        }
        catch (DbUpdateException)
        {
            // A concurrent first onboarding sent the same idempotency key, so Stripe answered it the same
            // account, and recorded it first.
            if (await AccountIdAsync(partner.Id, ct) is { } recorded) return recorded;
            throw;
        }
    }
}
