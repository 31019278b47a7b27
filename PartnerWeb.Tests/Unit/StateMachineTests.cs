using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// Every pair of statuses of every machine, each expected allowed or forbidden from lists written here
/// by hand from the spec, never read from the tables under test.
/// </summary>
public sealed class StateMachineTests
{
    private static readonly string[] InvoiceMoves =
        ["Open→Paid", "Open→Void", "Paid→PartiallyRefunded", "Paid→Refunded", "PartiallyRefunded→PartiallyRefunded", "PartiallyRefunded→Refunded"];

    private static readonly string[] PartnerMoves =
        ["Pending→Approved", "Suspended→Approved", "Pending→Suspended", "Approved→Suspended", "Pending→Rejected", "Rejected→Pending"];

    private static readonly string[] ListingMoves = ["Active→Paused", "Paused→Active"];

    private static readonly string[] PayoutMoves =
        ["Owed→Approved", "Approved→Paid", "Approved→Processing", "Failed→Processing", "Processing→Paid", "Processing→Failed", "Paid→Reversed"];

    private static TheoryData<string, string, bool> Pairs<T>(string[] allowed) where T : struct, Enum
    {
        var pairs = new TheoryData<string, string, bool>();
        foreach (var from in Enum.GetValues<T>())
        foreach (var to in Enum.GetValues<T>())
            pairs.Add(from.ToString(), to.ToString(), allowed.Contains($"{from}→{to}"));
        return pairs;
    }

    public static TheoryData<string, string, bool> InvoicePairs => Pairs<InvoiceStatus>(InvoiceMoves);
    public static TheoryData<string, string, bool> PartnerPairs => Pairs<PartnerStatus>(PartnerMoves);
    public static TheoryData<string, string, bool> ListingPairs => Pairs<ListingStatus>(ListingMoves);
    public static TheoryData<string, string, bool> PayoutPairs => Pairs<PayoutStatus>(PayoutMoves);

    [Theory]
    [MemberData(nameof(InvoicePairs))]
    public void Invoice_moves(string from, string to, bool allowed) => AssertMove(StateMachines.Invoice, from, to, allowed);

    [Theory]
    [MemberData(nameof(PartnerPairs))]
    public void Partner_moves(string from, string to, bool allowed) => AssertMove(StateMachines.Partner, from, to, allowed);

    [Theory]
    [MemberData(nameof(ListingPairs))]
    public void Listing_moves(string from, string to, bool allowed) => AssertMove(StateMachines.Listing, from, to, allowed);

    [Theory]
    [MemberData(nameof(PayoutPairs))]
    public void Payout_moves(string from, string to, bool allowed) => AssertMove(StateMachines.Payout, from, to, allowed);

    /// <summary>Allows, From (the conditional updates) and To (the views' buttons) all give the same answer.</summary>
    private static void AssertMove<T>(StateMachine<T> machine, string from, string to, bool allowed) where T : struct, Enum
    {
        var (f, t) = (Enum.Parse<T>(from), Enum.Parse<T>(to));
        Assert.Equal(allowed, machine.Allows(f, t));
        Assert.Equal(allowed, machine.From(t).Contains(f));
        Assert.Equal(allowed, machine.To(f).Contains(t));
    }

    [Fact]
    public void Refusals_name_the_statuses_that_may_move_and_the_one_that_may_not()
    {
        Assert.Equal("Only an open invoice can become void. This one is paid.", StateMachines.Invoice.Refusal(InvoiceStatus.Paid, InvoiceStatus.Void));
        Assert.Equal("Only a paid or partially refunded invoice can become refunded. This one is open.",
            StateMachines.Invoice.Refusal(InvoiceStatus.Open, InvoiceStatus.Refunded));
        Assert.Equal("Only a pending or suspended partner can become approved. This one is approved.",
            StateMachines.Partner.Refusal(PartnerStatus.Approved, PartnerStatus.Approved));
        Assert.Equal("Only a pending partner can become rejected. This one is approved.", StateMachines.Partner.Refusal(PartnerStatus.Approved, PartnerStatus.Rejected));
        Assert.Equal("Only an owed payout can become approved. This one is paid.", StateMachines.Payout.Refusal(PayoutStatus.Paid, PayoutStatus.Approved));
        Assert.Equal("No invoice can become open.", StateMachines.Invoice.Rule(InvoiceStatus.Open));
    }

    [Fact]
    public void Only_an_approved_partner_is_paid_out() => Assert.Equal([PartnerStatus.Approved], StateMachines.PartnerStatusesThatPayOut);
}
