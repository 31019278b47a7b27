using System.Text.RegularExpressions;

namespace PartnerWeb.Domain;

/// <summary>
/// The moves one kind of status may make, and nothing else: the conditional updates take their
/// <c>WHERE Status IN (…)</c> from <see cref="From"/>, the services their 409 messages from
/// <see cref="Refusal"/> and the views their buttons from <see cref="Allows"/>.
/// </summary>
public sealed class StateMachine<TStatus> where TStatus : struct, Enum
{
    private readonly HashSet<(TStatus From, TStatus To)> _moves;

    /// <summary>What the thing whose status this is is called in messages ("invoice").</summary>
    private readonly string _noun;

    public StateMachine(string noun, params (TStatus From, TStatus To)[] moves) => (_noun, _moves) = (noun, [.. moves]);

    public bool Allows(TStatus from, TStatus to) => _moves.Contains((from, to));

    /// <summary>The statuses that may become <paramref name="to"/>, in declaration order.</summary>
    public TStatus[] From(TStatus to) => Enum.GetValues<TStatus>().Where(from => Allows(from, to)).ToArray();

    /// <summary>The statuses <paramref name="from"/> may become, in declaration order.</summary>
    public TStatus[] To(TStatus from) => Enum.GetValues<TStatus>().Where(to => Allows(from, to)).ToArray();

    /// <summary>The rule for reaching <paramref name="to"/>, in words: "Only an open invoice can become void."</summary>
    public string Rule(TStatus to)
    {
        var from = From(to).Select(Words).ToArray();
        if (from.Length == 0) return $"No {_noun} can become {Words(to)}.";
        var article = "aeiou".Contains(from[0][0]) ? "an" : "a";
        return $"Only {article} {string.Join(" or ", from)} {_noun} can become {Words(to)}.";
    }

    /// <summary>Why <paramref name="from"/> cannot become <paramref name="to"/>, for a 409.</summary>
    public string Refusal(TStatus from, TStatus to) => $"{Rule(to)} This one is {Words(from)}.";

    /// <summary>A status as a reader writes it: PartiallyRefunded → "partially refunded".</summary>
    public static string Words(TStatus status) => Regex.Replace(status.ToString(), "(?<!^)([A-Z])", " $1").ToLowerInvariant();
}

/// <summary>Every status machine of the platform (spec §7.2, §8 and the money lifecycle in the README).</summary>
public static class StateMachines
{
    /// <summary>Paid once; refunds move a paid invoice through partially refunded (as often as partial refunds come) to refunded.</summary>
    public static readonly StateMachine<InvoiceStatus> Invoice = new("invoice",
        (InvoiceStatus.Open, InvoiceStatus.Paid),
        (InvoiceStatus.Open, InvoiceStatus.Void),
        (InvoiceStatus.Paid, InvoiceStatus.PartiallyRefunded),
        (InvoiceStatus.Paid, InvoiceStatus.Refunded),
        (InvoiceStatus.PartiallyRefunded, InvoiceStatus.PartiallyRefunded),
        (InvoiceStatus.PartiallyRefunded, InvoiceStatus.Refunded));

    /// <summary>
    /// A paid invoice stays among these for good. Its status follows its refunded amount both ways: money
    /// that comes back (a failed refund, a dispute won) moves it back towards paid, which is a settlement
    /// of Stripe's take-back rather than a transition anyone can ask for.
    /// </summary>
    public static readonly InvoiceStatus[] InvoiceSettled = [InvoiceStatus.Paid, InvoiceStatus.PartiallyRefunded, InvoiceStatus.Refunded];

    public static InvoiceStatus SettledStatus(long total, long refunded) =>
        refunded == 0 ? InvoiceStatus.Paid : refunded >= total ? InvoiceStatus.Refunded : InvoiceStatus.PartiallyRefunded;

    public static readonly StateMachine<PartnerStatus> Partner = new("partner",
        (PartnerStatus.Pending, PartnerStatus.Approved),
        (PartnerStatus.Suspended, PartnerStatus.Approved),
        (PartnerStatus.Pending, PartnerStatus.Suspended),
        (PartnerStatus.Approved, PartnerStatus.Suspended),
        (PartnerStatus.Pending, PartnerStatus.Rejected),
        // Applying again: the same account (one per tenant) goes back to pending with the new details.
        (PartnerStatus.Rejected, PartnerStatus.Pending));

    public static readonly StateMachine<ListingStatus> Listing = new("listing",
        (ListingStatus.Active, ListingStatus.Paused),
        (ListingStatus.Paused, ListingStatus.Active));

    public static readonly StateMachine<PayoutStatus> Payout = new("payout",
        (PayoutStatus.Owed, PayoutStatus.Approved),
        (PayoutStatus.Approved, PayoutStatus.Paid),
        (PayoutStatus.Approved, PayoutStatus.Processing),
        (PayoutStatus.Failed, PayoutStatus.Processing),
        (PayoutStatus.Processing, PayoutStatus.Paid),
        (PayoutStatus.Processing, PayoutStatus.Failed),
        (PayoutStatus.Paid, PayoutStatus.Reversed));

    /// <summary>
    /// A partner's payouts are generated, approved and paid only while the partner is in one of these
    /// statuses; a suspended partner's wait. Checked in the same statement that moves the payout or
    /// attaches its earnings.
    /// </summary>
    public static readonly PartnerStatus[] PartnerStatusesThatPayOut = [PartnerStatus.Approved];
}
