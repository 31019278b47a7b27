using System.Text.Json;
using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// What the running ledger figures and the earnings API must say, computed here from the raw entries with
/// LINQ to objects: the product's rules as the contract states them (a sale is an accrual; a refund is a
/// reversal that takes money back; the balance is what no payout took; payable now is that part past its
/// hold), never through the app's own sums, so a wrong rule there cannot hide behind the same rule here.
/// </summary>
public static class LedgerExpectation
{
    public sealed record Sums(long Entries, long Sales, long Refunds, long Gross, long Commission, long Net);

    public static Sums Of(IEnumerable<PartnerEarning> entries)
    {
        var list = entries.ToList();
        return new Sums(list.Count, list.Count(e => e.Kind == EntryKind.Accrual), list.Count(e => e.Kind == EntryKind.Reversal && e.GrossAmount < 0),
            list.Sum(e => e.GrossAmount), list.Sum(e => e.CommissionAmount), list.Sum(e => e.PartnerNet));
    }

    private static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(utc);

    /// <summary>
    /// Every figure of <paramref name="totals"/> and <paramref name="days"/> that differs from the entries' sums,
    /// one line each ("partner/USD net: held 10, entries 9"); empty when all agree. A missing row counts as zeros.
    /// </summary>
    public static List<string> Differences(IReadOnlyList<PartnerEarning> entries, IReadOnlyList<PartnerLedgerTotal> totals, IReadOnlyList<PartnerLedgerDay> days)
    {
        var found = new List<string>();
        var byCurrency = entries.ToLookup(e => (e.PartnerId, e.Currency));
        foreach (var key in byCurrency.Select(g => g.Key).Union(totals.Select(t => (t.PartnerId, t.Currency))).Distinct())
        {
            var mine = byCurrency[key].ToList();
            var held = totals.SingleOrDefault(t => t.PartnerId == key.PartnerId && t.Currency == key.Currency);
            var name = $"{key.PartnerId}/{key.Currency}";
            Compare(found, name, Of(mine), held is null ? new Sums(0, 0, 0, 0, 0, 0) : new Sums(held.Entries, held.Sales, held.Refunds, held.Gross, held.Commission, held.Net));
            var unattached = mine.Where(e => e.PayoutId is null).ToList();
            Compare(found, name, "unattachedEntries", unattached.Count, held?.UnattachedEntries ?? 0);
            Compare(found, name, "unattached", unattached.Sum(e => e.PartnerNet), held?.Unattached ?? 0);
        }

        var created = entries.ToLookup(e => (e.PartnerId, e.Currency, Day: Day(e.CreatedAt)));
        var payable = entries.ToLookup(e => (e.PartnerId, e.Currency, Day: Day(e.PayableAt)));
        var dayKeys = created.Select(g => g.Key).Union(payable.Select(g => g.Key)).Union(days.Select(d => (d.PartnerId, d.Currency, d.Day))).Distinct();
        foreach (var key in dayKeys)
        {
            var held = days.SingleOrDefault(d => d.PartnerId == key.PartnerId && d.Currency == key.Currency && d.Day == key.Day);
            var name = $"{key.PartnerId}/{key.Currency} on {key.Day:yyyy-MM-dd}";
            Compare(found, name, Of(created[key]), held is null ? new Sums(0, 0, 0, 0, 0, 0) : new Sums(held.Entries, held.Sales, held.Refunds, held.Gross, held.Commission, held.Net));
            Compare(found, name, "becomingPayable", payable[key].Sum(e => e.PartnerNet), held?.BecomingPayable ?? 0);
        }
        return found;
    }

    private static void Compare(List<string> into, string name, Sums entries, Sums held)
    {
        Compare(into, name, "entries", entries.Entries, held.Entries);
        Compare(into, name, "sales", entries.Sales, held.Sales);
        Compare(into, name, "refunds", entries.Refunds, held.Refunds);
        Compare(into, name, "gross", entries.Gross, held.Gross);
        Compare(into, name, "commission", entries.Commission, held.Commission);
        Compare(into, name, "net", entries.Net, held.Net);
    }

    private static void Compare(List<string> into, string name, string figure, long entries, long held)
    {
        if (entries != held) into.Add($"{name} {figure}: held {held}, entries {entries}");
    }

    /// <summary>
    /// The earnings answer's totals and balances against the partner's entries: totals over those created in
    /// [<paramref name="from"/>, <paramref name="to"/>] (both inclusive, either open), balances over all of them
    /// at <paramref name="now"/>. One line per difference.
    /// </summary>
    public static List<string> AnswerDifferences(JsonElement answer, IReadOnlyList<PartnerEarning> partnerEntries, DateTime? from, DateTime? to, DateTime now, string what)
    {
        var found = new List<string>();
        var expectedTotals = partnerEntries.Where(e => (from is null || e.CreatedAt >= from) && (to is null || e.CreatedAt <= to))
            .GroupBy(e => e.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Of(g))).Select(t => $"{t.Key} {t.Item2.Entries} sales {t.Item2.Sales} refunds {t.Item2.Refunds} gross {t.Item2.Gross} commission {t.Item2.Commission} net {t.Item2.Net}")
            .ToList();
        var answeredTotals = answer.GetProperty("totals").EnumerateArray()
            .Select(t => $"{t.GetProperty("currency").GetString()} {t.GetProperty("count").GetInt64()} sales {t.GetProperty("sales").GetInt64()} refunds {t.GetProperty("refunds").GetInt64()} " +
                $"gross {t.GetProperty("grossAmount").GetInt64()} commission {t.GetProperty("commissionAmount").GetInt64()} net {t.GetProperty("partnerNet").GetInt64()}")
            .ToList();
        if (!expectedTotals.SequenceEqual(answeredTotals))
            found.Add($"{what} totals: answered [{string.Join("; ", answeredTotals)}], entries [{string.Join("; ", expectedTotals)}]");

        var expectedBalances = partnerEntries.Where(e => e.PayoutId is null).GroupBy(e => e.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} balance {g.Sum(e => e.PartnerNet)} payableNow {g.Where(e => e.PayableAt <= now).Sum(e => e.PartnerNet)}")
            .ToList();
        var answeredBalances = answer.GetProperty("balances").EnumerateArray()
            .Select(b => $"{b.GetProperty("currency").GetString()} balance {b.GetProperty("balance").GetInt64()} payableNow {b.GetProperty("payableNow").GetInt64()}")
            .ToList();
        if (!expectedBalances.SequenceEqual(answeredBalances))
            found.Add($"{what} balances: answered [{string.Join("; ", answeredBalances)}], entries [{string.Join("; ", expectedBalances)}]");
        return found;
    }
}
