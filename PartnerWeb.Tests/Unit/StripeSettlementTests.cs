using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

/// <summary>The pure take-back calculator, case by case, with amounts worked out by hand.</summary>
public sealed class StripeSettlementTests
{
    private static StripeAdjustment Refund(string id, long amount, bool failed = false) =>
        new() { ObjectId = id, Kind = StripeAdjustmentKind.Refund, Amount = amount, Currency = "USD", Cancelled = failed };

    private static StripeAdjustment ChargeTotal(long refunded) =>
        new() { ObjectId = "ch_1", Kind = StripeAdjustmentKind.ChargeRefunds, Amount = refunded, Currency = "USD" };

    private static StripeAdjustment Dispute(string id, long amount, bool withdrawn, bool reinstated = false) =>
        new() { ObjectId = id, Kind = StripeAdjustmentKind.Dispute, Amount = amount, Currency = "USD", FundsWithdrawn = withdrawn, FundsReinstated = reinstated };

    [Fact]
    public void Nothing_known_takes_nothing_back() => Assert.Equal(new StripeTakeBack(0, 0), StripeSettlement.TakeBack(10000, []));

    [Fact]
    public void Refunds_add_up_by_id_and_the_charge_total_counts_the_ones_not_seen_yet_but_never_twice()
    {
        Assert.Equal(new StripeTakeBack(3500, 0), StripeSettlement.TakeBack(10000, [Refund("re_1", 2000), Refund("re_2", 1500)]));
        Assert.Equal(new StripeTakeBack(3500, 0), StripeSettlement.TakeBack(10000, [Refund("re_1", 2000), Refund("re_2", 1500), ChargeTotal(3500)]));
        Assert.Equal(new StripeTakeBack(3500, 0), StripeSettlement.TakeBack(10000, [Refund("re_1", 2000), ChargeTotal(3500)]));
        Assert.Equal(new StripeTakeBack(3500, 0), StripeSettlement.TakeBack(10000, [ChargeTotal(3500)]));
    }

    [Fact]
    public void A_failed_refund_gives_its_amount_back_even_from_an_older_charge_total()
    {
        Assert.Equal(new StripeTakeBack(1500, 0), StripeSettlement.TakeBack(10000, [Refund("re_1", 2000, failed: true), Refund("re_2", 1500), ChargeTotal(3500)]));
        Assert.Equal(new StripeTakeBack(0, 0), StripeSettlement.TakeBack(10000, [Refund("re_1", 2000, failed: true), ChargeTotal(2000)]));
    }

    [Fact]
    public void A_dispute_holds_its_amount_only_between_withdrawal_and_reinstatement()
    {
        Assert.Equal(new StripeTakeBack(0, 0), StripeSettlement.TakeBack(10000, [Dispute("dp_inquiry", 10000, withdrawn: false)]));
        Assert.Equal(new StripeTakeBack(0, 4000), StripeSettlement.TakeBack(10000, [Dispute("dp_1", 4000, withdrawn: true)]));
        Assert.Equal(new StripeTakeBack(0, 0), StripeSettlement.TakeBack(10000, [Dispute("dp_1", 4000, withdrawn: true, reinstated: true)]));
        Assert.Equal(new StripeTakeBack(0, 0), StripeSettlement.TakeBack(10000, [Dispute("dp_1", 4000, withdrawn: false, reinstated: true)]));
    }

    [Fact]
    public void Refunds_come_first_and_nothing_passes_the_payment()
    {
        Assert.Equal(new StripeTakeBack(7000, 3000), StripeSettlement.TakeBack(10000, [ChargeTotal(7000), Dispute("dp_1", 5000, withdrawn: true)]));
        Assert.Equal(new StripeTakeBack(10000, 0), StripeSettlement.TakeBack(10000, [Refund("re_1", 6000), Refund("re_2", 6000)]));
    }

    [Fact]
    public void Merging_only_adds_what_is_known_so_the_order_of_two_sightings_does_not_matter()
    {
        var pending = Refund("re_1", 2000);
        var failed = Refund("re_1", 2000, failed: true);
        var first = pending.Copy();
        Assert.True(first.Merge(failed));
        var second = failed.Copy();
        Assert.False(second.Merge(pending));
        Assert.Equal((first.Cancelled, first.Amount), (second.Cancelled, second.Amount));
        Assert.True(first.Cancelled);

        Assert.False(ChargeTotal(3000).Merge(ChargeTotal(1000)));
        var total = ChargeTotal(1000);
        total.Merge(ChargeTotal(3000));
        total.Merge(ChargeTotal(2000));
        Assert.Equal(3000, total.Amount);
    }
}
