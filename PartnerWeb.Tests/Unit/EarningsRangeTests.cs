using PartnerWeb.Features.Partners;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// An inclusive date-time <c>to</c> ends after its whole microsecond: PostgreSQL keeps times to the microsecond,
/// so a bound one tick later reached it as the instant itself and left out entries created at exactly that time.
/// </summary>
public sealed class EarningsRangeTests
{
    private static DateTime? ToExclusive(string to) => new EarningsQuery { To = to }.Range().ToUtcExclusive;

    [Theory]
    [InlineData("2026-11-24T12:00:00Z", "2026-11-24T12:00:00.0000010Z")]
    [InlineData("2026-11-24T12:00:00.0000004Z", "2026-11-24T12:00:00.0000010Z")]
    [InlineData("2026-11-24T12:00:00.0000010Z", "2026-11-24T12:00:00.0000020Z")]
    [InlineData("2026-11-24T14:00:00+02:00", "2026-11-24T12:00:00.0000010Z")]
    [InlineData("2026-11-24", "2026-11-25T00:00:00Z")]
    public void A_date_time_to_ends_after_its_microsecond_and_a_date_after_its_day(string to, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, ToExclusive(to));

    [Fact]
    public void The_last_instant_there_is_stays_the_end() =>
        Assert.Equal(DateTime.MaxValue, ToExclusive("9999-12-31T23:59:59.9999999Z"));
}
