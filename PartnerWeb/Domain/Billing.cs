namespace PartnerWeb.Domain;

public enum InvoiceStatus
{
    Open,
    Paid,
    Void,
}

public enum PaymentMethod
{
    Stripe,
    Manual,
}

public sealed class Invoice : IKeyset
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public required string Number { get; init; }

    /// <summary>Changes only through conditional updates (open → paid, open → void), never by load-and-save.</summary>
    public InvoiceStatus Status { get; init; }

    public required string Currency { get; init; }
    public long Total { get; init; }
    public PaymentMethod? PaymentMethod { get; init; }
    public string? PaymentReference { get; init; }
    public DateTime? PaidAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public List<InvoiceLine> Lines { get; init; } = [];

    public static string NumberFor(Guid id, DateTime createdAt) =>
        $"INV-{createdAt:yyyyMMdd}-{id.ToString("N")[^10..].ToUpperInvariant()}";
}

public sealed class InvoiceLine
{
    public Guid Id { get; init; }
    public Guid InvoiceId { get; init; }
    public Guid? MarketplaceItemId { get; init; }
    public required string Description { get; init; }
    public int Quantity { get; init; }
    public long UnitAmount { get; init; }

    /// <summary>Quantity × unit amount, in minor units.</summary>
    public long Amount { get; init; }
}

public enum AccrualKind
{
    Reseller,
    Partner,
}

/// <summary>
/// Outbox row written with the paid transition: one per (invoice, kind). A job completes it; the
/// reconcile job re-enqueues those still open, so a lost job never loses an accrual.
/// </summary>
public sealed class AccrualTask
{
    public Guid Id { get; init; }
    public Guid InvoiceId { get; init; }
    public AccrualKind Kind { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
}

/// <summary>A Stripe event id already acted on. Its primary key makes redelivery a no-op.</summary>
public sealed class ProcessedStripeEvent
{
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public Guid? InvoiceId { get; init; }
    public required string Outcome { get; set; }
    public DateTime ReceivedAt { get; init; }
}
