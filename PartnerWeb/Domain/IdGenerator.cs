namespace PartnerWeb.Domain;

/// <summary>
/// Version 7 GUIDs take their timestamp from the injected clock, so ids sort with creation
/// time and tests stay deterministic.
/// </summary>
public sealed class IdGenerator(TimeProvider clock)
{
    public Guid NewId() => Guid.CreateVersion7(clock.GetUtcNow());
}
