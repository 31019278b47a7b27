using System.Text.Json;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Figures a reliability scenario measured ("50 duplicate deliveries × 20 rounds: 20 earnings, 0
/// duplicates"). When RELIABILITY_FIGURES names a file, each figure is appended to it as one JSON line;
/// scripts/reliability.sh turns the lines into reports/reliability.md. Without it nothing is written.
/// </summary>
public static class ReliabilityFigures
{
    private static readonly Lock Gate = new();

    /// <param name="scenario">The scenario, as a heading (e.g. "Races: duplicate Stripe deliveries").</param>
    /// <param name="figure">One measured fact, with its numbers.</param>
    public static void Record(string scenario, string figure)
    {
        var path = Environment.GetEnvironmentVariable("RELIABILITY_FIGURES");
        if (string.IsNullOrEmpty(path)) return;
        var line = JsonSerializer.Serialize(new { scenario, figure, at = DateTime.UtcNow });
        lock (Gate) File.AppendAllText(path, line + Environment.NewLine);
    }
}
