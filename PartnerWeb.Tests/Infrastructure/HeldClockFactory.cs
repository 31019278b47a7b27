using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// An app whose clock the test holds. Rate-limit windows are aligned to the clock, so a test that counts
/// attempts holds it inside one window instead of racing a boundary. Apps on one database file may share
/// one clock, as instances of one deployment share time.
/// </summary>
public class HeldClockFactory(string? databasePath, IReadOnlyDictionary<string, string?> settings, FakeTimeProvider? clock = null)
    : PartnerWebFactory(databasePath, settings)
{
    /// <summary>Fifteen seconds into a minute: a 60-second window has 45 seconds left.</summary>
    public static readonly DateTimeOffset MidWindow = new(2026, 11, 24, 12, 0, 15, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = clock ?? new FakeTimeProvider(MidWindow);

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}
