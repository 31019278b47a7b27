namespace PartnerWeb.Domain;

/// <summary>Rows listed newest first by (CreatedAt, Id), with keyset pagination.</summary>
public interface IKeyset
{
    Guid Id { get; }
    DateTime CreatedAt { get; }
}
