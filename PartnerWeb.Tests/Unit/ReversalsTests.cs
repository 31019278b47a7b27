using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

public sealed class ReversalsTests
{
    [Theory]
    [InlineData(9030, 12900, 0, 12900, 9030)]    // full refund takes back all of it
    [InlineData(9030, 12900, 0, 6450, 4515)]     // half
    [InlineData(3870, 12900, 0, 1, 0)]           // 0.3 → 0
    [InlineData(3870, 12900, 0, 5, 2)]           // 1.5 → 2, half away from zero
    [InlineData(3870, 12900, 6450, 12900, 1935)] // the second half of a two-part refund
    [InlineData(1, 3, 1, 2, 1)]                  // round(2/3) = 1 minus round(1/3) = 0
    public void Share_is_the_difference_of_rounded_proportions(long original, long total, long before, long after, long expected)
    {
        var share = Reversals.Share(original, total, before, after);
        var reference = Reversals.Proportion(original, after, total) - Reversals.Proportion(original, before, total);
        Assert.Equal(reference, share);
        Assert.Equal(expected, share);
    }

    [Fact]
    public void Any_sequence_of_partial_refunds_takes_back_exactly_the_rounded_whole_and_a_full_refund_everything()
    {
        var random = new Random(99);
        for (var i = 0; i < 20_000; i++)
        {
            var total = random.NextInt64(1, 10_000_000);
            var original = random.NextInt64(0, total + 1);
            long refunded = 0, taken = 0;
            var full = random.Next(2) == 0;
            var target = full ? total : random.NextInt64(1, total + 1);
            while (refunded < target)
            {
                var amount = Math.Min(target - refunded, random.NextInt64(1, Math.Max(2, total / 3)));
                taken += Reversals.Share(original, total, refunded, refunded + amount);
                refunded += amount;
            }
            Assert.Equal(Reversals.Proportion(original, refunded, total), taken);
            if (full) Assert.Equal(original, taken);
            Assert.InRange(taken, 0, original);
        }
    }

    [Fact]
    public void Proportion_does_not_overflow_for_the_largest_amounts() =>
        Assert.Equal(long.MaxValue, Reversals.Proportion(long.MaxValue, long.MaxValue, long.MaxValue));
}
