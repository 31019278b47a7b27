using System.Net;
using Microsoft.Extensions.Logging;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue 15, item 1: a redelivered Stripe event is routine, not an error. Ten deliveries of one refund
/// event at once collide on the event's key in the database; the app answers them "duplicate", and
/// nothing is logged at Error, where an operator's alert would fire.
/// </summary>
public sealed class DuplicateDeliveryLogTests(LogCapturingFactory factory) : IClassFixture<LogCapturingFactory>
{
    [Fact]
    public async Task Ten_deliveries_of_one_event_at_once_log_no_error()
    {
        using var customer = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(customer, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"));
        var sale = StripeSale.For(invoiceId, 12900);
        using var stripe = factory.CreateApiClient();
        Assert.Equal("paid", await StripeSale.DeliverAsync(stripe, sale.CheckoutCompleted()));
        var payload = sale.ChargeRefunded(6450);
        factory.Logs.Entries.Clear();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Flows.PostSignedWebhookAsync(stripe, payload))));

        var outcomes = new List<string>();
        foreach (var response in responses) outcomes.Add((await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString()!);
        Assert.Equal((1, 9), (outcomes.Count(o => o == "refunded"), outcomes.Count(o => o == "duplicate")));
        var errors = factory.Logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} entries at Error or above, e.g. {string.Join(" | ", errors.Take(3).Select(e => $"{e.Category}: {e.Message.Split('\n')[0]}"))}");
    }
}
