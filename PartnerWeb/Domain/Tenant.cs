namespace PartnerWeb.Domain;

public sealed class Tenant : IKeyset
{
    public Guid Id { get; init; }
    public required string Name { get; set; }

    /// <summary>The operator. A filtered unique index allows exactly one.</summary>
    public bool IsPlatform { get; init; }

    /// <summary>Set for a child tenant created by a reseller; its paid invoices earn that reseller a commission.</summary>
    public Guid? ResellerId { get; init; }

    public DateTime CreatedAt { get; init; }
}
