namespace PartnerWeb.Domain;

public sealed class ResellerAccount : IKeyset
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public decimal MarginPercent { get; set; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// What a reseller earns on one paid invoice of a child tenant (an accrual, unique per invoice), or
/// the negative share of a refund (a reversal, unique per refund).
/// </summary>
public sealed class ResellerCommission : IKeyset
{
    public Guid Id { get; init; }
    public Guid ResellerId { get; init; }
    public Guid InvoiceId { get; init; }
    public EntryKind Kind { get; init; }
    public Guid? ReversesCommissionId { get; init; }
    public Guid? RefundId { get; init; }
    public Guid TenantId { get; init; }
    public required string Currency { get; init; }
    public long InvoiceTotal { get; init; }
    public decimal MarginPercent { get; init; }
    public long Amount { get; init; }
    public DateTime CreatedAt { get; init; }
}
