namespace PartnerWeb.Domain;

public enum PartnerStatus
{
    Pending,
    Approved,
    Suspended,

    /// <summary>A platform admin turned the application down; the tenant may apply again (back to pending).</summary>
    Rejected,
}

public sealed class PartnerAccount : IKeyset
{
    public Guid Id { get; init; }

    /// <summary>One account per tenant (unique index).</summary>
    public Guid TenantId { get; init; }

    public PartnerStatus Status { get; init; }
    public required string DisplayName { get; init; }
    public required string ContactEmail { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper-case.</summary>
    public required string Country { get; init; }

    /// <summary>
    /// JSON of the partner's payout preferences: <c>{"method":"bank_transfer","accountHolder","iban"}</c>,
    /// <c>{"method":"paypal","email"}</c> (both paid by hand) or <c>{"method":"stripe_connect"}</c>. Values stored
    /// before the methods were fixed may hold any other method; pages show it as "other".
    /// </summary>
    public required string PayoutPreferences { get; set; }

    public const string StripeConnectMethod = "stripe_connect";

    public DateTime CreatedAt { get; init; }
}

public enum ListingStatus
{
    Active,
    Paused,
}

public sealed class PartnerListing : IKeyset
{
    public Guid Id { get; init; }
    public Guid PartnerId { get; init; }

    /// <summary>Unique: an item earns for at most one partner.</summary>
    public Guid MarketplaceItemId { get; init; }

    public CommissionType CommissionType { get; set; }

    /// <summary>Percent of the line, for <see cref="CommissionType.Percent"/>; else 0.</summary>
    public decimal CommissionPercent { get; set; }

    /// <summary>Minor units per unit sold, for <see cref="CommissionType.Fixed"/>; else 0.</summary>
    public long CommissionFixedAmount { get; set; }

    public ListingStatus Status { get; set; }

    /// <summary>Paused by a platform admin: only the platform resumes it, not the partner.</summary>
    public bool PausedByPlatform { get; set; }

    public DateTime CreatedAt { get; init; }

    public CommissionRule Rule => new(CommissionType, CommissionPercent, CommissionFixedAmount);

    public void SetRule(CommissionRule rule) =>
        (CommissionType, CommissionPercent, CommissionFixedAmount) = (rule.Type, rule.Percent, rule.FixedAmount);
}

/// <summary>An accrual, or a reversal that corrects one after a refund. Entries are never edited.</summary>
public enum EntryKind
{
    Accrual,
    Reversal,

    /// <summary>A payout's amount back in the balance after Stripe reversed its transfer; no invoice.</summary>
    PayoutReturn,
}

/// <summary>
/// One ledger entry of a partner: what it earned on a paid invoice (an accrual, unique per invoice and
/// partner), or the negative share of a refund (a reversal, unique per refund and partner).
/// </summary>
public sealed class PartnerEarning : IKeyset
{
    public Guid Id { get; init; }
    public Guid PartnerId { get; init; }

    /// <summary>The invoice sold (accruals) or refunded (reversals); null for a <see cref="EntryKind.PayoutReturn"/>.</summary>
    public Guid? InvoiceId { get; init; }

    public EntryKind Kind { get; init; }

    /// <summary>For a payout return: the payout whose reversed transfer it gives back.</summary>
    public Guid? ReturnsPayoutId { get; init; }

    /// <summary>For a reversal: the accrual it corrects.</summary>
    public Guid? ReversesEarningId { get; init; }

    /// <summary>For a reversal: the refund it answers.</summary>
    public Guid? RefundId { get; init; }

    public required string Currency { get; init; }
    public long GrossAmount { get; init; }
    public long CommissionAmount { get; init; }
    public long PartnerNet { get; init; }

    /// <summary>Set once, by a conditional update, when a payout takes the earning.</summary>
    public Guid? PayoutId { get; init; }

    /// <summary>When a payout may take it: accruals after the hold period, reversals at once.</summary>
    public DateTime PayableAt { get; init; }

    public DateTime CreatedAt { get; init; }
}

public enum PayoutStatus
{
    Owed,
    Approved,
    Paid,

    /// <summary>Sent with Stripe: the transfer is being made (a job), until Stripe answers.</summary>
    Processing,

    /// <summary>Stripe refused the transfer; its entries stay attached and it may be sent again.</summary>
    Failed,

    /// <summary>Stripe's transfer was reversed; the amount went back to the partner's balance as new entries.</summary>
    Reversed,
}

public sealed class PartnerPayout : IKeyset
{
    public Guid Id { get; init; }
    public Guid PartnerId { get; init; }
    public required string Currency { get; init; }

    /// <summary>Σ partnerNet of the earnings attached to this payout.</summary>
    public long Amount { get; set; }

    public PayoutStatus Status { get; init; }
    public string? PayoutMethod { get; init; }

    /// <summary>The partner's payout preferences (JSON) when the payout was generated.</summary>
    public required string PayoutDetails { get; init; }

    /// <summary>A manual payout's reference, or the Stripe transfer (<c>tr_…</c>) that paid it.</summary>
    public string? Reference { get; init; }

    /// <summary>How many times it was sent with Stripe; each attempt has its own idempotency key.</summary>
    public int SendAttempts { get; init; }

    /// <summary>Stripe's message when the last attempt failed.</summary>
    public string? FailureMessage { get; init; }

    /// <summary>What Stripe's transfer reversals gave back, cumulative (minor units).</summary>
    public long ReversedAmount { get; init; }

    public DateTime? SentAt { get; init; }
    public DateTime? ReversedAt { get; init; }

    public const int MaxFailureMessageLength = 500;

    /// <summary>The admin who generated it; null when the payout job did.</summary>
    public Guid? GeneratedByUserId { get; init; }

    public DateTime? ApprovedAt { get; init; }
    public DateTime? PaidAt { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// A partner's Stripe Express connected account (<c>acct_…</c>): made once, on the first onboarding call,
/// and kept current by <c>account.updated</c> on the Connect webhook. Transfers go only to an account
/// whose payouts are enabled.
/// </summary>
public sealed class PartnerStripeAccount
{
    public Guid PartnerId { get; init; }
    public required string AccountId { get; init; }
    public bool PayoutsEnabled { get; set; }
    public bool ChargesEnabled { get; set; }
    public bool DetailsSubmitted { get; set; }

    /// <summary>Stripe's <c>requirements.currently_due</c>, comma-separated.</summary>
    public string? RequirementsDue { get; set; }

    /// <summary>Stripe's <c>requirements.disabled_reason</c>.</summary>
    public string? DisabledReason { get; set; }

    public DateTime CreatedAt { get; init; }

    /// <summary>Stripe's time of the state held (the account's creation, then the latest event applied): an older event is stale.</summary>
    public DateTime UpdatedAt { get; set; }

    public const int MaxRequirementsLength = 2000;
    public const int MaxDisabledReasonLength = 100;
}
