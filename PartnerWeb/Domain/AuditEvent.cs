namespace PartnerWeb.Domain;

/// <summary>Append-only record of one state change. Written in the transaction of the change.</summary>
public sealed class AuditEvent : IKeyset
{
    public Guid Id { get; init; }
    public Guid? TenantId { get; init; }

    /// <summary>Null when the system acted (webhook, job).</summary>
    public Guid? ActorUserId { get; init; }

    public required string Action { get; init; }
    public required string EntityType { get; init; }
    public Guid EntityId { get; init; }

    /// <summary>JSON object with the facts of the change.</summary>
    public required string Data { get; init; }

    public DateTime CreatedAt { get; init; }
}
