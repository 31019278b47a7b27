using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>Issue 15, item 6: Stripe does not keep event order, so no order of the events may change the outcome.</summary>
public sealed partial class StripeTakeBackTests
{
    private static IEnumerable<List<T>> Orders<T>(List<T> items) => items.Count <= 1
        ? [items]
        : items.SelectMany((item, n) => Orders(items.Where((_, m) => m != n).ToList()).Select(rest => (List<T>)[item, .. rest]));

    /// <summary>
    /// Delivers the events of one sale in every order, each order on a sale of its own, several sales at a
    /// time; every order must end where the in-order delivery ends.
    /// </summary>
    private async Task<(State InOrder, int Orders)> EveryOrderAsync(params Func<StripeSale, string>[] events)
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        var orders = Orders(Enumerable.Range(0, events.Length).ToList()).ToList();
        var states = new State[orders.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, orders.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, _) =>
        {
            var sale = await OpenSaleAsync(customer);
            foreach (var e in orders[n]) await StripeSale.DeliverAsync(customer, events[e](sale));
            states[n] = await StateAsync(sale.InvoiceId);
        });
        var inOrder = states[0];
        for (var n = 1; n < orders.Count; n++)
            Assert.True(states[n] == inOrder, $"Order {string.Join(",", orders[n])} ended {states[n]}, in order {inOrder}");
        return (inOrder, orders.Count);
    }

    [Fact]
    public async Task Paid_partial_refund_full_refund_dispute_withdrawn_and_won_end_alike_in_all_120_orders()
    {
        var (state, orders) = await EveryOrderAsync(
            sale => sale.CheckoutCompleted(),
            sale => sale.ChargeRefunded(3000),
            sale => sale.ChargeRefunded(12900),
            sale => sale.Dispute("charge.dispute.funds_withdrawn", $"dp_{sale.Intent}", 5000, "needs_response", withdrawn: true),
            sale => sale.Dispute("charge.dispute.closed", $"dp_{sale.Intent}", 5000, "won", withdrawn: true, reinstated: true));

        Assert.Equal(120, orders);
        Assert.Equal(new State(InvoiceStatus.Refunded, 12900, 12900, 0, 0, 0, 0, 0, 1), state);
    }

    [Fact]
    public async Task A_refund_in_its_own_event_and_in_the_charge_total_beside_a_lost_dispute_end_alike_in_all_24_orders()
    {
        var (state, _) = await EveryOrderAsync(
            sale => sale.CheckoutCompleted(),
            sale => sale.Refund("refund.created", $"re_{sale.Intent}", 3000),
            sale => sale.ChargeRefunded(3000),
            sale => sale.Dispute("charge.dispute.closed", $"dp_{sale.Intent}", 5000, "lost", withdrawn: true));

        // 3000 refunded once, 5000 held by the lost dispute: 8000 of 12900 reversed, pro rata.
        Assert.Equal(new State(InvoiceStatus.PartiallyRefunded, 8000, 3000, 5000, 12900 - 8000, 3870 - 2400, 9030 - 5600, 1290 - 800, 1), state);
    }

    /// <summary>
    /// Two events of one payment handled at the same moment (two instances, on a server database) each see
    /// only its own fact; the payment's revision makes the later one decide again with both.
    /// </summary>
    [Fact]
    public async Task A_withdrawal_and_a_win_delivered_at_the_same_moment_end_reinstated()
    {
        using var customer = await Flows.ChildTenantOwnerAsync(App);
        using var second = App.CreateApiClient();
        var sales = new List<StripeSale>();
        for (var n = 0; n < 20; n++)
        {
            var sale = await OpenSaleAsync(customer);
            Assert.Equal("paid", await StripeSale.DeliverAsync(customer, sale.CheckoutCompleted()));
            // Known already, so both events below update its row rather than race to insert it.
            Assert.Equal("unchanged", await StripeSale.DeliverAsync(customer, sale.Dispute("charge.dispute.created", $"dp_{sale.Intent}", 12900, "needs_response")));
            sales.Add(sale);
        }
        foreach (var sale in sales)
        {
            var (withdrawn, won) = (sale.Dispute("charge.dispute.funds_withdrawn", $"dp_{sale.Intent}", 12900, "needs_response", withdrawn: true),
                sale.Dispute("charge.dispute.closed", $"dp_{sale.Intent}", 12900, "won", reinstated: true));
            using var start = new Barrier(2);
            await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return StripeSale.DeliverAsync(customer, withdrawn); }),
                Task.Run(() => { start.SignalAndWait(); return StripeSale.DeliverAsync(second, won); }));
        }

        foreach (var sale in sales)
            Assert.Equal(new State(InvoiceStatus.Paid, 0, 0, 0, 12900, 3870, 9030, 1290, 1), await StateAsync(sale.InvoiceId));
    }
}
