using PartnerWeb.Features.Dashboards;
using PartnerWeb.Features.Partners;

namespace PartnerWeb.Tests.Unit;

public sealed class EarningsChartTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    [Fact]
    public void Every_day_of_the_range_has_a_slot_and_days_without_entries_are_zero()
    {
        var first = new DateOnly(2026, 9, 1);
        var sales = Enumerable.Range(0, 9).Select(i => new SlotNet(first.AddDays(i * 7 + 3), "USD", 1000 + i)).ToList();

        var chart = EarningsChart.Build(sales, ChartRange.Of(first, first.AddDays(69), Today));

        var bars = Assert.Single(chart.Series).Bars;
        Assert.Equal(70, bars.Count);
        Assert.Equal(Enumerable.Range(0, 70).Select(i => first.AddDays(i)), bars.Select(b => b.Day));
        Assert.Equal(9, bars.Count(b => b.Net != 0));
        Assert.Equal(1000 + 4, bars.Single(b => b.Day == first.AddDays(31)).Net);
        Assert.All(bars.Where(b => b.Net == 0), b => Assert.Equal(0, b.Height));
        // Slots advance left to right at one pitch, so gaps between sales are visible.
        var pitches = bars.Zip(bars.Skip(1), (a, b) => Math.Round(b.X - a.X, 6)).Distinct().ToList();
        Assert.Single(pitches);
        Assert.True(bars[^1].X + bars[^1].Width <= chart.Series[0].PlotRight + 1e-9);
    }

    [Fact]
    public void A_negative_day_is_a_bar_below_the_zero_line_and_the_axis_goes_below_zero()
    {
        var day = new DateOnly(2026, 11, 1);
        var chart = EarningsChart.Build([new(day, "EUR", 5000), new(day.AddDays(1), "EUR", -2000)], ChartRange.Of(day, day.AddDays(2), Today));

        var series = Assert.Single(chart.Series);
        var (up, down, none) = (series.Bars[0], series.Bars[1], series.Bars[2]);
        Assert.Equal(series.ZeroY, up.Y + up.Height, 6);
        Assert.Equal(series.ZeroY, down.Y, 6);
        Assert.True(down.Height > 0);
        Assert.Equal(0, none.Height);
        Assert.True(up.Height > down.Height);
        Assert.True(series.Ticks.Min(t => t.Value) <= -2000);
        Assert.Contains(series.Ticks, t => t.Value == 0);
        Assert.Contains(series.Ticks, t => t.Label == "-€20.00");
        Assert.Equal("-€20.00", down.Label);
    }

    [Theory]
    [InlineData(0, 9030, 0, 10000, 5000)]
    [InlineData(-2000, 5000, -2000, 6000, 2000)]
    [InlineData(0, 7, 0, 8, 2)]
    [InlineData(0, 1, 0, 1, 1)]
    [InlineData(-300, 0, -300, 0, 100)]
    public void Ticks_are_whole_multiples_of_a_one_two_five_step(long min, long max, long low, long high, long step) =>
        Assert.Equal((low, high, step), EarningsChart.Axis(min, max, "USD"));

    [Fact]
    public void The_ticks_are_currency_formatted_and_evenly_spaced()
    {
        var day = new DateOnly(2026, 11, 1);
        var series = EarningsChart.Build([new(day, "USD", 9030)], ChartRange.Of(day, day, Today)).Series[0];
        Assert.Equal(["$0.00", "$50.00", "$100.00"], series.Ticks.Select(t => t.Label));
        Assert.Equal(series.Ticks[0].Y - series.Ticks[1].Y, series.Ticks[1].Y - series.Ticks[2].Y, 6);
    }

    [Fact]
    public void A_single_day_range_has_one_slot_and_one_day_label()
    {
        var day = new DateOnly(2026, 11, 5);
        var series = EarningsChart.Build([new(day, "USD", 250)], ChartRange.Of(day, day, Today)).Series[0];
        var bar = Assert.Single(series.Bars);
        Assert.Equal(day, bar.Day);
        Assert.True(bar.Height > 0);
        Assert.Equal(day, Assert.Single(series.DayLabels).Day);
    }

    [Fact]
    public void An_all_zero_range_draws_flat_bars_on_an_axis_of_one_major_unit()
    {
        var day = new DateOnly(2026, 11, 5);
        // A refund and its sale on the same day net to zero.
        var series = EarningsChart.Build([new(day, "JPY", 0)], ChartRange.Of(day, day.AddDays(3), Today)).Series[0];
        Assert.Equal(4, series.Bars.Count);
        Assert.All(series.Bars, b => Assert.Equal(0, b.Height));
        Assert.Equal(["¥0", "¥1"], series.Ticks.Select(t => t.Label));
        Assert.All(series.Bars, b => Assert.False(double.IsNaN(b.Y)));
    }

    [Fact]
    public void Two_currencies_get_two_charts_with_their_own_scale_and_colour_and_are_never_summed()
    {
        var day = new DateOnly(2026, 11, 5);
        var chart = EarningsChart.Build([new(day, "USD", 100_00), new(day, "JPY", 500), new(day.AddDays(1), "USD", 50_00)], ChartRange.Of(day, day.AddDays(1), Today));

        Assert.Equal(["JPY", "USD"], chart.Series.Select(s => s.Currency));
        Assert.NotEqual(chart.Series[0].ColourIndex, chart.Series[1].ColourIndex);
        Assert.Equal([500L, 0L], chart.Series[0].Bars.Select(b => b.Net));
        Assert.Equal([100_00L, 50_00L], chart.Series[1].Bars.Select(b => b.Net));
        Assert.Equal(chart.Series[0].Bars.Count, chart.Series[1].Bars.Count);
    }

    [Fact]
    public void Without_a_filter_the_chart_runs_from_the_first_day_with_entries_of_the_latest_year_to_today()
    {
        var window = ChartRange.Of(null, null, Today);
        Assert.Equal((Today.AddDays(-(EarningsChart.MaxDays - 1)), Today, false), (window.First, window.Last, window.Clipped));
        var started = window.StartingAt(Today.AddDays(-9));
        Assert.Equal((Today.AddDays(-9), Today, 10, false), (started.First, started.Last, started.DayCount, started.Weekly));
        Assert.Equal(window, window.StartingAt(window.First));
        // No entries in the latest year: today alone.
        var none = window.StartingAt(null);
        Assert.Equal((Today, Today), (none.First, none.Last));
    }

    [Fact]
    public void A_range_longer_than_the_limit_is_cut_to_its_latest_days()
    {
        var range = ChartRange.Of(new DateOnly(2000, 1, 1), null, Today);
        Assert.True(range.Clipped);
        Assert.Equal((Today.AddDays(-(EarningsChart.MaxDays - 1)), Today, EarningsChart.MaxDays), (range.First, range.Last, range.DayCount));
        var chart = EarningsChart.Build([new(Today.AddDays(-1000), "USD", 100), new(Today.AddDays(-3), "USD", 100)], range);
        Assert.True(chart.Clipped);
        // 366 days are drawn in weeks: 53 slots, or 54 when the range starts late in a week.
        Assert.InRange(chart.Series[0].Bars.Count, 53, 54);
        Assert.Equal(100, chart.Series[0].Bars.Sum(b => b.Net));
    }

    [Fact]
    public void A_range_at_either_end_of_the_calendar_is_drawn()
    {
        var range = ChartRange.Of(null, DateOnly.MinValue.AddDays(3), Today);
        Assert.Equal((DateOnly.MinValue, DateOnly.MinValue.AddDays(3), false), (range.First, range.Last, range.Clipped));
        Assert.Equal(DateOnly.MaxValue, ChartRange.Of(DateOnly.MaxValue.AddDays(-1), DateOnly.MaxValue, Today).Within(null, null).FirstDay?.AddDays(1));
        var last = EarningsChart.Build([new(DateOnly.MaxValue, "USD", 5)], ChartRange.Of(DateOnly.MaxValue.AddDays(-1), DateOnly.MaxValue, Today));
        Assert.Equal([0L, 5L], last.Series[0].Bars.Select(b => b.Net));
    }

    [Fact]
    public void A_week_slot_is_a_multiple_of_seven_day_numbers_so_it_starts_on_a_monday()
    {
        Assert.Equal(DayOfWeek.Monday, DateOnly.FromDayNumber(0).DayOfWeek);
        var range = ChartRange.Of(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), Today);
        Assert.Equal(7, range.SlotDays);
        Assert.Equal(range.SlotOf(new DateOnly(2026, 6, 8)), range.SlotOf(new DateOnly(2026, 6, 14)));
        Assert.Equal(range.SlotOf(new DateOnly(2026, 6, 14)) + 1, range.SlotOf(new DateOnly(2026, 6, 15)));
    }

    [Fact]
    public void Nets_already_summed_per_week_and_named_by_their_monday_fill_the_slot_cut_to_the_range()
    {
        var from = new DateOnly(2026, 6, 3); // a Wednesday; its week's Monday is the 1st
        var range = ChartRange.Of(from, new DateOnly(2026, 9, 3), Today);
        var bars = Assert.Single(EarningsChart.Build([new(new DateOnly(2026, 6, 1), "USD", 120)], range).Series).Bars;
        Assert.Equal((from, new DateOnly(2026, 6, 7), 120L), (bars[0].Day, bars[0].LastDay, bars[0].Net));
    }

    [Fact]
    public void A_range_longer_than_a_quarter_is_drawn_a_week_per_slot_from_monday_to_sunday_cut_to_the_range()
    {
        var from = new DateOnly(2026, 6, 3); // a Wednesday
        var to = new DateOnly(2026, 9, 3);   // a Thursday, 93 days in all
        var chart = EarningsChart.Build(
            [new(from, "USD", 100), new(new DateOnly(2026, 6, 7), "USD", 20), new(new DateOnly(2026, 6, 8), "USD", 3), new(to, "USD", -5)],
            ChartRange.Of(from, to, Today));

        Assert.True(chart.Weekly);
        Assert.Equal("week", chart.Slot);
        var bars = Assert.Single(chart.Series).Bars;
        Assert.Equal((from, new DateOnly(2026, 6, 7), 120L), (bars[0].Day, bars[0].LastDay, bars[0].Net));
        Assert.Equal((new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 14), 3L), (bars[1].Day, bars[1].LastDay, bars[1].Net));
        Assert.Equal((new DateOnly(2026, 8, 31), to, -5L), (bars[^1].Day, bars[^1].LastDay, bars[^1].Net));
        Assert.All(bars.Skip(1), b => Assert.Equal(DayOfWeek.Monday, b.Day.DayOfWeek));
        Assert.Equal(14, bars.Count);
        Assert.Equal(118L, bars.Sum(b => b.Net));
    }

    [Fact]
    public void A_quarter_is_still_drawn_a_day_per_slot()
    {
        var from = new DateOnly(2026, 6, 3);
        var chart = EarningsChart.Build([new(from, "USD", 100)], ChartRange.Of(from, from.AddDays(EarningsChart.MaxDaySlots - 1), Today));
        Assert.False(chart.Weekly);
        Assert.Equal(EarningsChart.MaxDaySlots, chart.Series[0].Bars.Count);
        Assert.All(chart.Series[0].Bars, b => Assert.Equal(b.Day, b.LastDay));
    }

    [Fact]
    public void Coordinates_are_written_with_a_dot_whatever_the_culture()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new("de-DE");
            Assert.Equal("12.35", EarningsChart.N(12.3456));
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public void The_svg_draws_each_slot_with_its_days_and_encoded_amount_and_marks_negative_ones()
    {
        var from = new DateOnly(2026, 6, 3);
        var to = new DateOnly(2026, 9, 3);
        var chart = EarningsChart.Build([new(from, "EUR", 120), new(to, "EUR", -5)], ChartRange.Of(from, to, Today));
        var series = Assert.Single(chart.Series);
        using var html = new StringWriter();

        new ChartSvg(chart, series).WriteTo(html, System.Text.Encodings.Web.HtmlEncoder.Default);

        var svg = html.ToString();
        Assert.StartsWith("<svg viewBox=\"0 0 600 180\" role=\"img\" aria-label=\"Net earnings per week in EUR, 2026-06-03 to 2026-09-03\">", svg);
        Assert.EndsWith("</svg>", svg);
        Assert.Equal(series.Bars.Count, System.Text.RegularExpressions.Regex.Count(svg, "<rect "));
        var first = series.Bars[0];
        Assert.Contains($"<rect class=\"bar\" data-day=\"2026-06-03\" x=\"{EarningsChart.N(first.X)}\" y=\"{EarningsChart.N(first.Y)}\" "
            + $"width=\"{EarningsChart.N(first.Width)}\" height=\"{EarningsChart.N(first.Height)}\"><title>2026-06-03 to 2026-06-07: &#x20AC;1.20</title></rect>", svg);
        Assert.Contains("<rect class=\"bar negative\" data-day=\"2026-08-31\"", svg);
        Assert.Contains("<title>2026-08-31 to 2026-09-03: -&#x20AC;0.05</title>", svg);
        Assert.Equal(series.Ticks.Count + 1, System.Text.RegularExpressions.Regex.Count(svg, "<line "));
        Assert.Contains($"<line class=\"zero\" x1=\"80\" x2=\"590\" y1=\"{EarningsChart.N(series.ZeroY)}\" y2=\"{EarningsChart.N(series.ZeroY)}\" />", svg);
        Assert.Contains(">06-03</text>", svg);

        // Drawn again, the kept markup is the same; another encoder is not served the default one's markup.
        using var again = new StringWriter();
        new ChartSvg(chart, series).WriteTo(again, System.Text.Encodings.Web.HtmlEncoder.Default);
        Assert.Equal(svg, again.ToString());
        using var unicode = new StringWriter();
        new ChartSvg(chart, series).WriteTo(unicode, System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        Assert.Contains("<title>2026-08-31 to 2026-09-03: -€0.05</title>", unicode.ToString());
    }
}
