using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace PartnerWeb.Features.Dashboards;

/// <summary>
/// One currency's chart as SVG, written straight to the response: a year by week is over a hundred bars with five
/// coordinates each, and as Razor attributes every value would be encoded and buffered on its own. Numbers and days
/// are written in the invariant culture, as SVG wants; text is encoded as Razor would.
/// </summary>
public sealed class ChartSvg(EarningsChart chart, CurrencyChart series) : IHtmlContent
{
    // A chart kept by ChartCache is drawn again on every view; its markup is kept with it, for as long as it is
    // (each series belongs to one chart). Only for the default encoder, which is the one the views use.
    private static readonly ConditionalWeakTable<CurrencyChart, string> Drawn = new();

    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        if (encoder != HtmlEncoder.Default)
        {
            Draw(writer, encoder);
            return;
        }
        writer.Write(Drawn.GetValue(series, _ =>
        {
            using var markup = new StringWriter(CultureInfo.InvariantCulture);
            Draw(markup, encoder);
            return markup.ToString();
        }));
    }

    private void Draw(TextWriter writer, HtmlEncoder encoder)
    {
        var c = series;
        writer.Write("<svg viewBox=\"0 0 ");
        Number(writer, c.Width);
        writer.Write(' ');
        Number(writer, c.Height);
        writer.Write("\" role=\"img\" aria-label=\"Net earnings per ");
        writer.Write(chart.Slot);
        writer.Write(" in ");
        encoder.Encode(writer, c.Currency);
        writer.Write(", ");
        Day(writer, chart.First, "yyyy-MM-dd");
        writer.Write(" to ");
        Day(writer, chart.Last, "yyyy-MM-dd");
        writer.Write("\">");
        foreach (var t in c.Ticks)
        {
            writer.Write("<g class=\"tick\">");
            Line(writer, "grid", c.PlotLeft, c.PlotRight, t.Y);
            writer.Write("<text class=\"axis\" x=\"");
            Number(writer, c.PlotLeft - 4);
            writer.Write("\" y=\"");
            Number(writer, t.Y + 4);
            writer.Write("\" text-anchor=\"end\">");
            encoder.Encode(writer, t.Label);
            writer.Write("</text></g>");
        }
        writer.Write("<g class=\"days cur-");
        writer.Write(c.ColourIndex.ToString(CultureInfo.InvariantCulture));
        writer.Write("\">");
        foreach (var b in c.Bars)
        {
            writer.Write(b.Net < 0 ? "<rect class=\"bar negative\" data-day=\"" : "<rect class=\"bar\" data-day=\"");
            Day(writer, b.Day, "yyyy-MM-dd");
            writer.Write("\" x=\"");
            Number(writer, b.X);
            writer.Write("\" y=\"");
            Number(writer, b.Y);
            writer.Write("\" width=\"");
            Number(writer, b.Width);
            writer.Write("\" height=\"");
            Number(writer, b.Height);
            writer.Write("\"><title>");
            SlotName(writer, b);
            writer.Write(": ");
            encoder.Encode(writer, b.Label);
            writer.Write("</title></rect>");
        }
        writer.Write("</g>");
        Line(writer, "zero", c.PlotLeft, c.PlotRight, c.ZeroY);
        foreach (var d in c.DayLabels)
        {
            writer.Write("<g class=\"day-label\"><text class=\"axis\" x=\"");
            Number(writer, d.X);
            writer.Write("\" y=\"");
            Number(writer, EarningsChart.PlotBottom + 18);
            writer.Write("\" text-anchor=\"middle\">");
            Day(writer, d.Day, "MM-dd");
            writer.Write("</text></g>");
        }
        writer.Write("</svg>");
    }

    /// <summary>A slot as the table names it: its day, or its first and last day.</summary>
    public static void SlotName(TextWriter writer, ChartBar bar)
    {
        Day(writer, bar.Day, "yyyy-MM-dd");
        if (bar.Day == bar.LastDay) return;
        writer.Write(" to ");
        Day(writer, bar.LastDay, "yyyy-MM-dd");
    }

    private static void Line(TextWriter writer, string kind, double x1, double x2, double y)
    {
        writer.Write("<line class=\"");
        writer.Write(kind);
        writer.Write("\" x1=\"");
        Number(writer, x1);
        writer.Write("\" x2=\"");
        Number(writer, x2);
        writer.Write("\" y1=\"");
        Number(writer, y);
        writer.Write("\" y2=\"");
        Number(writer, y);
        writer.Write("\" />");
    }

    private static void Number(TextWriter writer, double value) => writer.Write(EarningsChart.N(value));

    private static void Day(TextWriter writer, DateOnly day, string format)
    {
        Span<char> buffer = stackalloc char[16];
        day.TryFormat(buffer, out var n, format, CultureInfo.InvariantCulture);
        writer.Write(buffer[..n]);
    }
}
