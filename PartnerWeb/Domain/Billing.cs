namespace PartnerWeb.Domain;

public enum InvoiceStatus
{
    Open,
    Paid,
    Void,
    PartiallyRefunded,
    Refunded,
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
    /// <summary>Cumulative refunds in minor units; never above <see cref="Total"/>.</summary>
    public long RefundedAmount { get; init; }

    public PaymentMethod? PaymentMethod { get; init; }
    public string? PaymentReference { get; init; }
    public DateTime? PaidAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public List<InvoiceLine> Lines { get; init; } = [];

    /// <summary>
    /// Unique without a shared counter: ten hex digits of a hash of the id, the same whatever byte layout
    /// the id has (its own digits hold the timestamp at one end or the other, depending on the database).
    /// </summary>
    public static string NumberFor(Guid id, DateTime createdAt) =>
        $"INV-{createdAt:yyyyMMdd}-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(id.ToByteArray()))[..10]}";
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
/// Outbox row written with the paid transition (one per invoice and kind) and with each refund (one
/// per refund and kind, with <see cref="RefundId"/> set: a reversal). A job completes it; the
/// reconcile job re-enqueues those still open, so a lost job never loses an accrual or a reversal.
/// </summary>
public sealed class AccrualTask : IKeyset
{
    public Guid Id { get; init; }
    public Guid InvoiceId { get; init; }
    public AccrualKind Kind { get; init; }

    /// <summary>Set for a reversal task: the refund whose share of the accruals it reverses.</summary>
    public Guid? RefundId { get; init; }

    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; init; }

    /// <summary>Runs that failed; at <c>Jobs:MaxAttempts</c> the task is dead and no job picks it up until an admin retries it.</summary>
    public int Attempts { get; init; }

    public string? LastError { get; init; }
    public DateTime? DeadAt { get; init; }

    public const int MaxErrorLength = 2000;

    /// <summary>The reversal tasks of a refund row: one per accrual kind, each reversing that kind's share.</summary>
    public static IEnumerable<AccrualTask> ReversalsOf(InvoiceRefund refund, IdGenerator ids, DateTime now) =>
        Enum.GetValues<AccrualKind>().Select(kind => new AccrualTask { Id = ids.NewId(), InvoiceId = refund.InvoiceId, Kind = kind, RefundId = refund.Id, CreatedAt = now });
}

/// <summary>A Stripe event id already acted on. Its primary key makes redelivery a no-op.</summary>
public sealed class ProcessedStripeEvent
{
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public Guid? InvoiceId { get; init; }
    public required string Outcome { get; init; }
    public DateTime ReceivedAt { get; init; }
}

public enum RefundSource
{
    Manual,
    StripeRefund,
    StripeDispute,
}

/// <summary>Why a ledger entry exists, for people reading it: a sale, or what took money back or gave it back.</summary>
public enum EntryReason
{
    Sale,
    Refund,
    RefundFailed,
    Dispute,
    DisputeWon,

    /// <summary>A payout's amount back after Stripe reversed its transfer.</summary>
    PayoutReturned,
}

/// <summary>
/// One refund of a paid invoice, or (negative) money that came back: a failed refund, a dispute won.
/// Corrections are new rows; nothing that was paid is edited.
/// </summary>
public sealed class InvoiceRefund
{
    public Guid Id { get; init; }
    public Guid InvoiceId { get; init; }
    public long Amount { get; init; }

    /// <summary>The invoice's refunded total once this refund is counted (reversals are computed from it).</summary>
    public long CumulativeRefunded { get; init; }

    public required string Currency { get; init; }
    public RefundSource Source { get; init; }
    public string? Reason { get; init; }

    /// <summary>
    /// Idempotency, unique: "key:&lt;Idempotency-Key&gt;", "stripe:&lt;event id&gt;", or "call:&lt;id&gt;" made
    /// for one call that had neither (so a retried commit cannot refund twice). Null only on older rows.
    /// </summary>
    public string? ExternalKey { get; init; }

    /// <summary>For a refund asked with an Idempotency-Key: a hash of the request, so the key reused otherwise is refused.</summary>
    public string? RequestHash { get; init; }

    public Guid? ActorUserId { get; init; }

    /// <summary>What a refund row of <paramref name="source"/> and <paramref name="amount"/> is: money out, or back (negative).</summary>
    public static EntryReason ReasonOf(RefundSource source, long amount) => (source, amount > 0) switch
    {
        (RefundSource.StripeDispute, true) => EntryReason.Dispute,
        (RefundSource.StripeDispute, false) => EntryReason.DisputeWon,
        (_, true) => EntryReason.Refund,
        _ => EntryReason.RefundFailed,
    };

    /// <summary>For Stripe refunds and disputes: the payment whose take-back this row moves the invoice towards.</summary>
    public Guid? StripePaymentId { get; init; }

    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// A Stripe Checkout Session opened for an invoice. Attempt n is the invoice's nth session; its
/// idempotency key names the attempt, so two customers pressing "pay" at once get one session.
/// </summary>
public sealed class CheckoutSession
{
    public Guid Id { get; init; }
    public Guid InvoiceId { get; init; }
    public int Attempt { get; init; }
    public required string StripeSessionId { get; init; }
    public required string Url { get; init; }

    /// <summary>Stripe's expiry, or earlier when Stripe reported the session expired or its payment failed.</summary>
    public DateTime ExpiresAt { get; set; }
    public DateTime CreatedAt { get; init; }

    public static string IdempotencyKey(Guid invoiceId, int attempt) => $"checkout-{invoiceId:N}-{attempt}";
}

/// <summary>
/// One Stripe payment of an invoice, as the payment events reported it: refunds and disputes, which name
/// only the charge or the payment intent, find their invoice through it.
/// </summary>
public sealed class StripePaymentRecord : IKeyset
{
    public Guid Id { get; init; }
    public Guid InvoiceId { get; init; }
    public string? PaymentIntentId { get; init; }

    /// <summary>Set by the first event that names it (a payment intent event, or any <c>charge.*</c> event).</summary>
    public string? ChargeId { get; set; }

    public long Amount { get; init; }
    public required string Currency { get; init; }

    /// <summary>
    /// A second payment for an invoice already paid (or void): kept apart for the platform admins to
    /// refund, and never touching the invoice's earnings.
    /// </summary>
    public bool Overpayment { get; init; }

    /// <summary>The event whose delivery recorded it.</summary>
    public required string EventId { get; init; }

    /// <summary>
    /// Raised by every settlement of the payment's take-backs (a concurrency token): two settlements of one
    /// payment at once cannot both commit, so neither decides on facts the other has not seen.
    /// </summary>
    public int Revision { get; set; }

    public DateTime CreatedAt { get; init; }
}
