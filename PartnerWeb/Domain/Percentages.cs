namespace PartnerWeb.Domain;

/// <summary>Percentages of money in minor units. Pure: no clock, no I/O.</summary>
public static class Percentages
{
    public const decimal Max = 100m;

    /// <summary>round(amount × percent / 100) to the minor unit, midpoint away from zero.</summary>
    public static long Of(long amount, decimal percent) =>
        (long)Math.Round(amount * percent / 100m, 0, MidpointRounding.AwayFromZero);

    /// <summary>In [0, 100] with at most two decimals.</summary>
    public static bool IsValid(decimal percent) =>
        percent is >= 0m and <= Max && decimal.Round(percent, 2) == percent;
}
