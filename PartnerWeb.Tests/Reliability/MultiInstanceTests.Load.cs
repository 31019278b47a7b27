using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>The multi-instance test: set-up, the paying load and the wait for accrual.</summary>
public sealed partial class MultiInstanceTests
{
    // ---------------------------------------------------------------- set-up

    /// <summary>The buyer installs each item its count of times (while the other instances start); each install opens one invoice.</summary>
    private static async Task<Dictionary<Guid, Sale>> InstallAsync(AppProcess app, Shop shop)
    {
        using var buyer = app.Client(shop.BuyerToken);
        var invoices = new ConcurrentDictionary<Guid, Sale>();
        await Parallel.ForEachAsync(Sales.SelectMany(s => Enumerable.Repeat(s.Sale, s.Count)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (sale, ct) =>
        {
            var created = await (await buyer.PostAsync($"/api/marketplace/items/{shop.Items[sale.Name]}/install", null, ct)).AssertJsonAsync(HttpStatusCode.Created);
            var invoice = created.GetProperty("invoice");
            Assert.Equal(sale.Price, invoice.GetProperty("total").GetInt64());
            Assert.Equal(sale.Currency, invoice.GetProperty("currency").GetString());
            Assert.Equal("open", invoice.GetProperty("status").GetString());
            invoices[invoice.GetProperty("id").GetGuid()] = sale;
        });
        return new Dictionary<Guid, Sale>(invoices);
    }

    // ---------------------------------------------------------------- the load

    private enum Via
    {
        Webhook,
        Manual,
    }

    /// <summary>One attempt of a request: the instance it went to and what came back.</summary>
    private sealed record Try(int Instance, string Answer);

    /// <summary>A webhook delivery or a manual payment, with every attempt until one was answered.</summary>
    private sealed record Request(Guid InvoiceId, Via Via, IReadOnlyList<Try> Tries)
    {
        public string Final => Tries[^1].Answer;
        public bool Paid => Final == "paid";
        public bool Unanswered => Tries.Any(t => t.Answer == NoAnswer);
        public bool ServerError => Tries.Any(t => t.Answer.StartsWith("HTTP 5", StringComparison.Ordinal));
        public string Describe() => $"{Via} for {InvoiceId}: {string.Join(" → ", Tries.Select(t => $"instance {t.Instance + 1}: {t.Answer}"))}";
    }

    /// <summary>
    /// Every invoice gets one Stripe event, delivered three times at once, to three different
    /// instances (a few milliseconds of jitter each); every <see cref="ManualEvery"/>th also gets a
    /// manual payment sent to one of them around the same moment. <see cref="InvoicesInFlight"/> invoices
    /// are in flight at a time, in an order that mixes the currencies. When invoice
    /// <see cref="KillAfterInvoices"/> + 1 starts, instance <see cref="Victim"/> + 1 is killed -9 while
    /// the requests of the invoices before it are in flight; from then on its share goes to a survivor.
    /// </summary>
    private async Task<(List<Request> Requests, Kill? Kill)> PayAsync(Shop shop, Dictionary<Guid, Sale> invoices)
    {
        var order = invoices.Keys.Order().ToArray();
        new Random(Seed).Shuffle(order);
        var requests = new ConcurrentBag<Request>();
        var started = 0;
        Kill? kill = null;
        await Parallel.ForEachAsync(order.Select((id, i) => (Id: id, Index: i)), new ParallelOptions { MaxDegreeOfParallelism = InvoicesInFlight }, async (invoice, _) =>
        {
            if (Interlocked.Increment(ref started) == KillAfterInvoices + 1) kill = KillVictim(KillAfterInvoices);
            var random = new Random(Seed * 10_000 + invoice.Index);
            var sale = invoices[invoice.Id];
            var eventId = $"evt_multi_{invoice.Id:N}";
            var work = new List<Task<Request>>();
            for (var k = 0; k < DeliveriesPerInvoice; k++)
                work.Add(DeliverAsync(invoice.Id, sale, eventId, (invoice.Index + k) % Instances, 20 + random.Next(5)));
            // The manual payment leads the deliveries by up to 20 ms or trails them by up to 19, swept over
            // the invoices, so that some of them land in the moment between a payer's read and its commit.
            if (invoice.Index % ManualEvery == 0)
                work.Add(PayByHandAsync(invoice.Id, (invoice.Index + 1) % Instances, invoice.Index / ManualEvery * 7 % 40));
            foreach (var request in await Task.WhenAll(work)) requests.Add(request);
        });
        return (requests.ToList(), kill);
    }

    /// <summary>
    /// One delivery of the invoice's event, signed at the moment it is sent. Stripe delivers an event
    /// again when it got no answer or a 5xx, and behind a load balancer that lands on any instance:
    /// here the next one that runs. A 5xx retried this way is still counted and fails the test at the
    /// end (AssertNoDeferredFailures), after the final state has been asserted exactly.
    /// </summary>
    private async Task<Request> DeliverAsync(Guid invoiceId, Sale sale, string eventId, int instance, int delayMs)
    {
        await Task.Delay(delayMs);
        var payload = StripeSigner.InvoicePaid(eventId, invoiceId, sale.Price, sale.Currency.ToLowerInvariant());
        var tries = new List<Try>();
        while (true)
        {
            instance = Alive(instance);
            var answer = await SendAsync(instance, async app =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/stripe/webhook")
                {
                    Content = new StringContent(payload, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSigner.Header(payload, _secret, DateTimeOffset.UtcNow));
                using var response = await app.Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK
                    ? JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString()!
                    : $"HTTP {(int)response.StatusCode}: {body}";
            });
            tries.Add(new Try(instance, answer));
            if (!(answer == NoAnswer || answer.StartsWith("HTTP 5", StringComparison.Ordinal)) || tries.Count == MaxTries)
                return new Request(invoiceId, Via.Webhook, tries);
            instance = (instance + 1) % Instances;
        }
    }

    /// <summary>
    /// A platform admin marks the invoice paid. An attempt the dying instance left unanswered is sent
    /// again to a survivor (the admin does not know whether it took); a 5xx is not retried.
    /// </summary>
    private async Task<Request> PayByHandAsync(Guid invoiceId, int instance, int delayMs)
    {
        await Task.Delay(delayMs);
        var tries = new List<Try>();
        while (true)
        {
            instance = Alive(instance);
            var admin = _admins[instance]!;
            var answer = await SendAsync(instance, async _ =>
            {
                using var response = await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { reference = $"manual-{invoiceId:N}" });
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode switch
                {
                    HttpStatusCode.OK => JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() == "paid" ? "paid" : $"HTTP 200 not paid: {body}",
                    HttpStatusCode.Conflict => "conflict",
                    var status => $"HTTP {(int)status}: {body}",
                };
            });
            tries.Add(new Try(instance, answer));
            if (answer != NoAnswer || tries.Count == MaxTries) return new Request(invoiceId, Via.Manual, tries);
            instance = (instance + 1) % Instances;
        }
    }

    /// <summary>Sends to the instance and returns its answer, or <see cref="NoAnswer"/> when the connection died without one.</summary>
    private async Task<string> SendAsync(int instance, Func<AppProcess, Task<string>> send)
    {
        Interlocked.Increment(ref _inFlight[instance]);
        try
        {
            return await send(_apps[instance]!);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return NoAnswer;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight[instance]);
        }
    }

    /// <summary>
    /// Waits until every accrual task is complete: null then, else what was still open after
    /// <see cref="AccrualTimeoutSeconds"/> and which Hangfire locks were held. On the survivors the
    /// recurring reconcile job enqueues the killed instance's tasks (its fetched jobs come back only
    /// after the storage's InvisibilityTimeout, 2 min), and a recurring job runs only under Hangfire's
    /// <c>recurring-jobs:lock</c>: a lock the killed instance held is freed after the storage's
    /// DistributedLockTimeout, 1 min (JobsSetup), which the wait outlasts.
    /// </summary>
    private async Task<string?> WaitForAccrualsAsync(int invoices)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var total = _db.Scalar("""SELECT COUNT(*) FROM "AccrualTasks" """);
            var open = _db.Scalar("""SELECT COUNT(*) FROM "AccrualTasks" WHERE "CompletedAt" IS NULL""");
            if (total == invoices * AccrualKinds && open == 0) return null;
            Assert.True(total <= invoices * AccrualKinds, $"{total} accrual tasks for {invoices} invoices × {AccrualKinds} kinds: an invoice was paid more than once");
            if (waited.Elapsed.TotalSeconds > AccrualTimeoutSeconds)
            {
                var locks = _db.Rows("""SELECT resource, acquired FROM hangfire.lock""", r => $"{r.GetString(0)} since {r.GetDateTime(1):HH:mm:ss.fff}");
                return $"accrual stalled: {open} of {total} accrual tasks still open {AccrualTimeoutSeconds} s after the last answer (expected {invoices * AccrualKinds} tasks, all complete); "
                    + $"Hangfire locks held: {(locks.Count == 0 ? "none" : string.Join(", ", locks))} (the kill was at {_kill?.At:HH:mm:ss.fff} UTC)";
            }
            for (var n = 0; n < Instances; n++)
                if (!Volatile.Read(ref _dead[n])) Assert.False(_apps[n]!.HasExited, $"instance {n + 1} died while accruing");
            await Task.Delay(250);
        }
    }
}
