namespace PartnerWeb.Domain;

public sealed class Tenant
{
    public Guid Id { get; init; }
    public required string Name { get; set; }

    /// <summary>The operator. A filtered unique index allows exactly one.</summary>
    public bool IsPlatform { get; init; }

    public DateTime CreatedAt { get; init; }
}
