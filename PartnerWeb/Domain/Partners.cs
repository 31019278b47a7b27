namespace PartnerWeb.Domain;

public enum PartnerStatus
{
    Pending,
    Approved,
    Suspended,
}

public sealed class PartnerAccount : IKeyset
{
    public Guid Id { get; init; }

    /// <summary>One account per tenant (unique index).</summary>
    public Guid TenantId { get; init; }

    public PartnerStatus Status { get; init; }
    public required string DisplayName { get; init; }
    public required string ContactEmail { get; init; }

    /// <summary>ISO 3166-1 alpha-2, upper-case.</summary>
    public required string Country { get; init; }

    /// <summary>JSON object with at least a <c>method</c>.</summary>
    public required string PayoutPreferences { get; init; }

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
}

/// <summary>
/// One ledger entry of a partner: what it earned on a paid invoice (an accrual, unique per invoice and
/// partner), or the negative share of a refund (a reversal, unique per refund and partner).
/// </summary>
public sealed class PartnerEarning : IKeyset
{
    public Guid Id { get; init; }
    public Guid PartnerId { get; init; }
    public Guid InvoiceId { get; init; }
    public EntryKind Kind { get; init; }

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

    public string? Reference { get; init; }

    /// <summary>The admin who generated it; null when the payout job did.</summary>
    public Guid? GeneratedByUserId { get; init; }

    public DateTime? ApprovedAt { get; init; }
    public DateTime? PaidAt { get; init; }
    public DateTime CreatedAt { get; init; }
}
