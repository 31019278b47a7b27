using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class LedgerFiguresTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a"), B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static DateTime At(int day, int hour = 0, int minute = 0) => new(2026, 12, day, hour, minute, 0, DateTimeKind.Utc);

    private static PartnerEarning Entry(Guid partner, string currency, EntryKind kind, long gross, long commission, DateTime created, DateTime payable, Guid? payout = null) => new()
    {
        Id = Guid.NewGuid(), PartnerId = partner, Kind = kind, Currency = currency, GrossAmount = gross, CommissionAmount = commission,
        PartnerNet = gross - commission, CreatedAt = created, PayableAt = payable, PayoutId = payout,
    };

    [Fact]
    public void Entries_add_per_partner_and_currency_and_per_day_created_and_day_payable()
    {
        var changes = LedgerChanges.Of([
            Entry(B, "USD", EntryKind.Accrual, 1000, 300, At(1, 10), At(15, 10)),
            Entry(A, "USD", EntryKind.Accrual, 500, 100, At(1, 23, 59), At(15, 23, 59)),
            Entry(A, "USD", EntryKind.Reversal, -200, -40, At(2, 0, 1), At(2, 0, 1)),
            Entry(A, "USD", EntryKind.Reversal, 50, 10, At(2, 3), At(15, 3)),
            Entry(A, "EUR", EntryKind.PayoutReturn, 70, 0, At(2, 4), At(2, 4)),
            Entry(A, "EUR", EntryKind.Accrual, 90, 9, At(2, 4), At(2, 4), payout: Guid.NewGuid()),
        ]);

        Assert.Equal([
            (A, "EUR", new LedgerFigures(2, 1, 0, 160, 9, 151), 70L, 1L),
            (A, "USD", new LedgerFigures(3, 1, 1, 350, 70, 280), 280L, 3L),
            (B, "USD", new LedgerFigures(1, 1, 0, 1000, 300, 700), 700L, 1L),
        ], changes.Totals);
        Assert.Equal([
            (A, "EUR", new DateOnly(2026, 12, 2), new LedgerFigures(2, 1, 0, 160, 9, 151), 151L),
            (A, "USD", new DateOnly(2026, 12, 1), new LedgerFigures(1, 1, 0, 500, 100, 400), 0L),
            (A, "USD", new DateOnly(2026, 12, 2), new LedgerFigures(2, 0, 1, -150, -30, -120), -160L),
            (A, "USD", new DateOnly(2026, 12, 15), default(LedgerFigures), 440L),
            (B, "USD", new DateOnly(2026, 12, 1), new LedgerFigures(1, 1, 0, 1000, 300, 700), 0L),
            (B, "USD", new DateOnly(2026, 12, 15), default(LedgerFigures), 700L),
        ], changes.Days);
    }

    [Fact]
    public void No_entries_change_nothing() => Assert.True(LedgerChanges.Of([]).IsEmpty);

    [Fact]
    public void An_open_period_is_the_whole_ledger()
    {
        Assert.True(LedgerPeriod.Of(null, null).IsWhole);
        Assert.True(LedgerPeriod.Of(DateTime.MinValue, DateTime.MaxValue).IsWhole);
    }

    [Fact]
    public void Dates_are_whole_days_only()
    {
        var period = LedgerPeriod.Of(At(1), At(4));
        Assert.Equal((new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 4), false), (period.FirstDay, period.EndDay, period.NoWholeDays));
        Assert.Empty(period.PartDays);
        Assert.False(period.IsWhole);
    }

    [Fact]
    public void Times_inside_days_read_those_days_parts_from_entries()
    {
        var period = LedgerPeriod.Of(At(1, 10), At(4, 6));
        Assert.Equal((new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 4), false), (period.FirstDay, period.EndDay, period.NoWholeDays));
        Assert.Equal([(At(1, 10), At(2)), (At(4), At(4, 6))], period.PartDays);
    }

    [Fact]
    public void A_period_inside_one_day_is_one_part_and_no_whole_day()
    {
        var period = LedgerPeriod.Of(At(3, 9), At(3, 17));
        Assert.True(period.NoWholeDays);
        Assert.Equal([(At(3, 9), At(3, 17))], period.PartDays);
    }

    [Fact]
    public void A_period_ending_at_the_next_midnight_is_one_part()
    {
        var period = LedgerPeriod.Of(At(3, 9), At(4));
        Assert.True(period.NoWholeDays);
        Assert.Equal([(At(3, 9), At(4))], period.PartDays);
    }

    [Fact]
    public void Open_ends_stay_open()
    {
        var from = LedgerPeriod.Of(At(3, 9), null);
        Assert.Equal((new DateOnly(2026, 12, 4), (DateOnly?)null), (from.FirstDay, from.EndDay));
        Assert.Equal([(At(3, 9), At(4))], from.PartDays);
        var to = LedgerPeriod.Of(null, At(3, 9));
        Assert.Equal(((DateOnly?)null, new DateOnly(2026, 12, 3)), (to.FirstDay, to.EndDay));
        Assert.Equal([(At(3), At(3, 9))], to.PartDays);
    }

    [Fact]
    public void The_last_representable_day_does_not_overflow()
    {
        var from = new DateTime(9999, 12, 31, 10, 0, 0, DateTimeKind.Utc);
        var period = LedgerPeriod.Of(from, DateTime.MaxValue);
        Assert.True(period.NoWholeDays);
        Assert.Equal([(from, DateTime.MaxValue)], period.PartDays);
    }
}
