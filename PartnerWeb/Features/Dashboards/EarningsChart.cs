using System.Globalization;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>One slot (a day, or a week of a long range): its first and last day in the range, its net (zero when nothing happened) and its bar, in drawing units.</summary>
public sealed record ChartBar(DateOnly Day, DateOnly LastDay, long Net, string Label, double X, double Y, double Width, double Height);

public sealed record ChartTick(long Value, string Label, double Y);

public sealed record ChartDayLabel(DateOnly Day, double X);

/// <summary>The chart of one currency: money is never summed across currencies, so each has its own.</summary>
public sealed record CurrencyChart(
    string Currency, int ColourIndex, double Width, double Height, double PlotLeft, double PlotRight, double ZeroY,
    IReadOnlyList<ChartBar> Bars, IReadOnlyList<ChartTick> Ticks, IReadOnlyList<ChartDayLabel> DayLabels);

/// <summary>
/// The days a chart covers, decided before any figure is read so that only they are read: the filter's days, the
/// last one today when it has no end, cut to the latest <see cref="EarningsChart.MaxDays"/>. A range longer than
/// <see cref="EarningsChart.MaxDaySlots"/> days has a slot per week, Monday to Sunday (the first and last cut to the
/// range): a year is 53 bars that a phone can tell apart, not 366 bars of 2 px.
/// </summary>
public sealed record ChartRange(DateOnly First, DateOnly Last, bool Clipped)
{
    public int DayCount => Last.DayNumber - First.DayNumber + 1;

    public bool Weekly => DayCount > EarningsChart.MaxDaySlots;

    /// <summary>Days per slot. Slots are whole multiples of it from day number 0, 1 January of year 1: a Monday.</summary>
    public int SlotDays => Weekly ? 7 : 1;

    /// <summary>The slot a day falls in: its day number, or its week's, whatever the range.</summary>
    public int SlotOf(DateOnly day) => day.DayNumber / SlotDays;

    /// <param name="from">First day of the filter, or null: see <see cref="StartingAt"/>.</param>
    /// <param name="to">Last day of the filter (inclusive), or null: today.</param>
    public static ChartRange Of(DateOnly? from, DateOnly? to, DateOnly today)
    {
        var last = to ?? today;
        if (from > last) last = from.Value;
        var first = from ?? (last.DayNumber >= EarningsChart.MaxDays ? last.AddDays(-(EarningsChart.MaxDays - 1)) : DateOnly.MinValue);
        var clipped = last.DayNumber - first.DayNumber + 1 > EarningsChart.MaxDays;
        return new ChartRange(clipped ? last.AddDays(-(EarningsChart.MaxDays - 1)) : first, last, clipped);
    }

    /// <summary>The filter [from, to) cut to the chart's days, as the ledger reads periods.</summary>
    public LedgerPeriod Within(DateTime? from, DateTime? toExclusive)
    {
        var first = First.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = Last == DateOnly.MaxValue ? DateTime.MaxValue : Last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return LedgerPeriod.Of(from > first ? from : first, toExclusive < end ? toExclusive : end);
    }

    /// <summary>Without a "from", the chart starts at the first day with entries in its range (its last day when none has).</summary>
    public ChartRange StartingAt(DateOnly? firstDayWithEntries) => firstDayWithEntries switch
    {
        null => this with { First = Last },
        { } day when day > First && day <= Last => this with { First = day },
        _ => this,
    };
}

/// <summary>
/// Net per slot as bar geometry, with no web or database dependency: a continuous axis over the range (slots
/// without entries are zero), a y-axis from a negative minimum to a positive maximum with 1-2-5 steps in minor
/// units, bars below the zero line for negative slots.
/// </summary>
public sealed record EarningsChart(DateOnly First, DateOnly Last, bool Clipped, bool Weekly, IReadOnlyList<CurrencyChart> Series)
{
    /// <summary>A chart shows at most this many days: the latest of a longer range.</summary>
    public const int MaxDays = 366;

    /// <summary>Ranges up to a quarter are drawn a day per slot; longer ones a week per slot.</summary>
    public const int MaxDaySlots = 92;

    public const double MinWidth = 600, Height = 180, PlotTop = 10, PlotBottom = 150, PlotLeft = 80, PlotRightMargin = 10, MinSlot = 2;
    public const int Colours = 4;

    public int DayCount => Last.DayNumber - First.DayNumber + 1;

    /// <summary>What one slot is, for the labels: "day" or "week".</summary>
    public string Slot => Weekly ? "week" : "day";

    /// <param name="nets">Net per day, or already per slot (keyed by any day of it): each is added to the slot its day falls in.</param>
    public static EarningsChart Build(IReadOnlyList<SlotNet> nets, ChartRange range)
    {
        var slots = Slots(range);
        var series = nets.GroupBy(d => d.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select((g, i) => SeriesOf(g.Key, i % Colours,
                g.GroupBy(d => range.SlotOf(d.Day)).ToDictionary(s => s.Key, s => s.Sum(x => x.PartnerNet)), slots, range))
            .ToList();
        return new EarningsChart(range.First, range.Last, range.Clipped, range.Weekly, series);
    }

    /// <summary>
    /// The range's days, or its weeks (Monday to Sunday) cut to the range: the slots of <see cref="ChartRange.SlotOf"/>,
    /// the rule the ledger's SQL groups by, so a slot's bar and its sum cover the same days.
    /// </summary>
    private static List<(DateOnly First, DateOnly Last)> Slots(ChartRange range)
    {
        var (first, last) = (range.SlotOf(range.First), range.SlotOf(range.Last));
        return Enumerable.Range(first, last - first + 1).Select(slot => (
                DateOnly.FromDayNumber(Math.Max(slot * range.SlotDays, range.First.DayNumber)),
                DateOnly.FromDayNumber(Math.Min(slot * range.SlotDays + range.SlotDays - 1, range.Last.DayNumber))))
            .ToList();
    }

    private static CurrencyChart SeriesOf(string currency, int colour, Dictionary<int, long> nets, List<(DateOnly First, DateOnly Last)> slots, ChartRange range)
    {
        var count = slots.Count;
        var values = slots.Select(s => (Day: s.First, s.Last, Net: nets.GetValueOrDefault(range.SlotOf(s.First)))).ToList();
        var (low, high, step) = Axis(values.Min(v => v.Net), values.Max(v => v.Net), currency);
        var plotWidth = Math.Max(MinWidth - PlotLeft - PlotRightMargin, count * MinSlot);
        var slot = plotWidth / count;
        var barWidth = slot >= 3 ? slot * 0.8 : slot;
        double Y(long v) => PlotTop + (double)(high - v) / (high - low) * (PlotBottom - PlotTop);
        var zero = Y(0);
        var bars = values.Select((v, i) =>
        {
            var y = Y(v.Net);
            return new ChartBar(v.Day, v.Last, v.Net, MoneyFormat.Format(v.Net, currency),
                PlotLeft + i * slot + (slot - barWidth) / 2, Math.Min(y, zero), barWidth, Math.Abs(zero - y));
        }).ToList();
        var ticks = new List<ChartTick>();
        for (var t = low; t <= high; t += step) ticks.Add(new ChartTick(t, MoneyFormat.Format(t, currency), Y(t)));
        var labelCount = Math.Min(count, 5);
        var labels = Enumerable.Range(0, labelCount)
            .Select(i => labelCount == 1 ? 0 : (int)Math.Round(i * (count - 1) / (double)(labelCount - 1)))
            .Distinct().Select(i => new ChartDayLabel(values[i].Day, PlotLeft + i * slot + slot / 2)).ToList();
        return new CurrencyChart(currency, colour, PlotLeft + plotWidth + PlotRightMargin, Height, PlotLeft, PlotLeft + plotWidth, zero, bars, ticks, labels);
    }

    /// <summary>
    /// Axis bounds that hold zero, min and max, as whole multiples of a 1, 2 or 5 × 10ⁿ step (in minor units)
    /// giving at most about five intervals. An all-zero range gets one major unit above zero.
    /// </summary>
    public static (long Low, long High, long Step) Axis(long min, long max, string currency)
    {
        min = Math.Min(min, 0);
        max = Math.Max(max, 0);
        if (min == 0 && max == 0) max = (long)Math.Pow(10, Currencies.MinorDigits(currency));
        var step = NiceStep((max - min) / 4.0);
        var low = (long)Math.Floor(min / (double)step) * step;
        var high = (long)Math.Ceiling(max / (double)step) * step;
        return (low, high, step);
    }

    public static long NiceStep(double raw)
    {
        if (raw <= 1) return 1;
        var magnitude = (long)Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var factor in new long[] { 1, 2, 5, 10 })
            if (factor * magnitude >= raw) return factor * magnitude;
        return 10 * magnitude;
    }

    /// <summary>A drawing coordinate as SVG wants it, whatever the request's culture.</summary>
    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
