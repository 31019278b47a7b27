using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// Random ledger writes through the app, as its users and Stripe make them: sales paid by hand or through
/// Stripe Checkout (then the accrual job), refunds through the API, disputes withdrawn and closed, payouts
/// generated, sent with Stripe and their transfers reversed, and the clock moving on. A step is one write
/// or several started together. Every choice of write, amount and target comes from the seed and the state the
/// run reached, so a seed replays the same run (writes started together may still land in either order).
/// </summary>
public sealed class LedgerWorkload(LedgerPropertyFixture fixture, int seed) : IDisposable
{
    private readonly Random _random = new(seed);
    private readonly List<string> _log = [];
    private readonly List<Item> _items = [];
    private readonly List<Sale> _sales = [];
    private HttpClient _admin = null!, _buyer = null!, _stripe = null!;
    private Guid _connectPartner;

    public IReadOnlyList<string> Log => _log;
    public List<Guid> Partners { get; } = [];

    private PartnerWebFactory App => fixture.App;
    private FakeTimeProvider Clock => fixture.Clock;

    private sealed record Item(Guid Id, Guid PartnerId, string Currency);

    private sealed class Sale(Guid invoiceId, Item item, StripeSale? stripe)
    {
        public Guid InvoiceId => invoiceId;
        public Item Item => item;

        /// <summary>Null for a sale paid by hand.</summary>
        public StripeSale? Stripe => stripe;

        public long Disputed { get; set; }
        public bool DisputeClosed { get; set; }
    }

    /// <summary>One write: what it does (for the log), what only it may touch within a step, and its call.</summary>
    private sealed record Op(string What, string? Resource, Func<Task<HttpStatusCode>> Run, params HttpStatusCode[] Expected);

    /// <summary>
    /// Two partners of new tenants, so seeds never share one: a Stripe Connect partner selling in USD and EUR
    /// (its payouts are sent and reversed), and a partner paid by bank transfer selling in USD and JPY, with
    /// percent and fixed commissions.
    /// </summary>
    public async Task SetUpAsync()
    {
        _admin = await App.ClientAsAsync(Demo.PlatformAdmin);
        _buyer = await App.ClientAsAsync(Demo.GlobexOwner);
        _stripe = App.CreateApiClient();
        var (connect, connectOwner) = await SellerAsync(new { method = "stripe_connect" });
        using (connectOwner)
        {
            _items.Add(await ItemAsync(connectOwner, connect, "USD", 10000, "percent", 30m));
            _items.Add(await ItemAsync(connectOwner, connect, "EUR", 4999, "percent", 12.5m));
        }
        var (bank, bankOwner) = await SellerAsync(new { method = "bank_transfer", accountHolder = "Ledger Ltd", iban = "DE89 3704 0044 0532 0130 00" });
        using (bankOwner)
        {
            _items.Add(await ItemAsync(bankOwner, bank, "USD", 12345, "fixed", 700m));
            _items.Add(await ItemAsync(bankOwner, bank, "JPY", 5000, "percent", 17m));
        }
        _connectPartner = connect;
        Partners.AddRange([connect, bank]);
        var now = Clock.GetUtcNow().UtcDateTime;
        await Flows.QueryAsync(App, db =>
        {
            db.PartnerStripeAccounts.Add(new PartnerStripeAccount
            {
                PartnerId = connect, AccountId = $"acct_{connect:N}"[..21], PayoutsEnabled = true, ChargesEnabled = true, DetailsSubmitted = true,
                CreatedAt = now, UpdatedAt = now,
            });
            return db.SaveChangesAsync();
        });
    }

    private async Task<(Guid PartnerId, HttpClient Owner)> SellerAsync(object payoutPreferences)
    {
        using var umbrella = await App.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var owner = App.CreateApiClient();
        var (_, token) = await Flows.ChildTenantAsync(umbrella, owner, $"Ledger {suffix}", $"owner-{suffix}@ledger.example");
        owner.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var applied = await (await owner.PostAsJsonAsync("/api/partners/apply", new
        {
            displayName = $"Ledger {suffix}", contactEmail = $"partners@{suffix}.example", country = "US", payoutPreferences,
        })).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = applied.GetProperty("id").GetGuid();
        await (await _admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        return (partnerId, owner);
    }

    private async Task<Item> ItemAsync(HttpClient owner, Guid partnerId, string currency, long price, string commissionType, decimal commission)
    {
        var itemId = await PartnerFlows.PublishAsync(owner, $"Ledger {currency} {Guid.NewGuid():N}", price, currency);
        await PartnerFlows.CreateListingAsync(_admin, partnerId, itemId, commissionType, commission);
        return new Item(itemId, partnerId, currency);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> random steps from the next 21:00 of the app's clock (so a seed replays the same
    /// times of day whichever test ran before it); after each, once every job is done, <paramref name="check"/>.
    /// </summary>
    public async Task RunAsync(int steps, Func<int, Task> check)
    {
        var now = Clock.GetUtcNow();
        var start = new DateTimeOffset(now.UtcDateTime.Date.AddHours(21), TimeSpan.Zero);
        Clock.SetUtcNow(start > now ? start : start.AddDays(1));
        for (var step = 0; step < steps; step++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Advance(step, far: step % 5 == 4);
            if (step % 5 != 4)
            {
                var together = _random.Next(100) < 40 ? _random.Next(2, 5) : 1;
                var ops = new List<Op>();
                for (var tries = 0; ops.Count < together && tries < 20; tries++)
                    if (await PlanAsync(step, ops.Count) is { } op && (op.Resource is null || ops.All(o => o.Resource != op.Resource))) ops.Add(op);
                var results = await Task.WhenAll(ops.Select(op => Task.Run(op.Run)));
                for (var i = 0; i < ops.Count; i++)
                {
                    Record($"{step}{(ops.Count > 1 ? $" ∥{i}" : "")}: {ops[i].What} → {(int)results[i]}");
                    // Writes started together may find each other's effect first (a refund larger than what another left).
                    var allowed = ops.Count > 1 ? [.. ops[i].Expected, HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity] : ops[i].Expected;
                    Assert.True(allowed.Contains(results[i]), $"step {step}: {ops[i].What} answered {(int)results[i]}");
                }
            }
            await QuietAsync();
            Record($"{step}: quiet after {watch.ElapsedMilliseconds} ms");
            await check(step);
        }
    }

    private void Record(string line) => _log.Add(line);

    /// <summary>
    /// Every fifth step the clock moves on by eight to thirty hours (so entries pass their one-day hold), other
    /// steps by up to forty minutes (so entries spread within days); in whole minutes, so part days stay whole
    /// seconds, and never past the real time.
    /// </summary>
    private void Advance(int step, bool far)
    {
        var by = TimeSpan.FromMinutes(far ? _random.Next(8 * 60, 30 * 60) : _random.Next(0, 41));
        if (Clock.GetUtcNow() + by > DateTimeOffset.UtcNow) by = TimeSpan.Zero;
        Clock.Advance(by);
        if (far) Record($"{step}: clock +{by} → {Clock.GetUtcNow():yyyy-MM-dd HH:mm}");
    }

    /// <summary>Every accrual and reversal job done, and no payout still being sent.</summary>
    private Task QuietAsync() => Flows.EventuallyAsync(() => Flows.QueryAsync(App, async db =>
            !await db.AccrualTasks.AnyAsync(t => t.CompletedAt == null) && !await db.PartnerPayouts.AnyAsync(p => p.Status == PayoutStatus.Processing)),
        "every accrual and reversal job and every payout sent");

    private async Task<Op?> PlanAsync(int step, int n)
    {
        var key = $"prop-{seed}-{step}-{n}";
        return _random.Next(100) switch
        {
            < 18 => await SaleAsync(Pick(_items), throughStripe: false),
            < 34 => await SaleAsync(Pick(_items.Where(i => i.Currency == "USD").ToList()), throughStripe: true),
            < 50 => await RefundAsync(key),
            < 62 => await DisputeAsync(),
            < 76 => Generate(_random.Next(3) == 0 ? Partners[1] : _connectPartner),
            < 88 => await SendAsync(),
            _ => await ReverseTransferAsync(),
        };
    }

    private T Pick<T>(IReadOnlyList<T> from) => from[_random.Next(from.Count)];

    /// <summary>
    /// The buyer installs the item now (an open invoice writes no entry), so sales keep the seed's order whatever
    /// order their payments land in; the payment is the write.
    /// </summary>
    private async Task<Op> SaleAsync(Item item, bool throughStripe)
    {
        var invoiceId = await Flows.InstallAsync(_buyer, item.Id);
        if (!throughStripe)
        {
            _sales.Add(new Sale(invoiceId, item, null));
            return new Op($"{item.Currency} invoice {invoiceId} paid by hand", $"invoice {invoiceId}", async () =>
                (await _admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).StatusCode, HttpStatusCode.OK);
        }
        var total = await Flows.QueryAsync(App, db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Total).SingleAsync());
        var sale = StripeSale.For(invoiceId, total);
        fixture.Stripe.ChargesByIntent[sale.Intent] = sale.Charge;
        _sales.Add(new Sale(invoiceId, item, sale));
        var paid = sale.CheckoutCompleted();
        return new Op($"{item.Currency} invoice {invoiceId} paid through Stripe Checkout", $"invoice {invoiceId}", () => DeliverAsync(paid), HttpStatusCode.OK);
    }

    /// <summary>What is left to take back of each paid sale, read now.</summary>
    private async Task<List<(Sale Sale, long Left)>> RefundableAsync()
    {
        var ids = _sales.Select(s => s.InvoiceId).ToList();
        var left = await Flows.QueryAsync(App, db => db.Invoices.Where(i => ids.Contains(i.Id) && i.PaidAt != null)
            .Select(i => new { i.Id, Left = i.Total - i.RefundedAmount }).ToDictionaryAsync(i => i.Id, i => i.Left));
        return _sales.Where(s => left.ContainsKey(s.InvoiceId)).Select(s => (s, left[s.InvoiceId])).Where(s => s.Item2 > 0).ToList();
    }

    private async Task<Op?> RefundAsync(string key)
    {
        var open = await RefundableAsync();
        if (open.Count == 0) return null;
        var (sale, left) = Pick(open);
        var amount = _random.Next(3) == 0 ? left : _random.NextInt64(1, left + 1);
        return new Op($"refund {amount} of {sale.Item.Currency} invoice {sale.InvoiceId} ({(sale.Stripe is null ? "by hand" : "Stripe")})", $"invoice {sale.InvoiceId}", async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/billing/invoices/{sale.InvoiceId}/refund")
            {
                Content = JsonContent.Create(new { amount, reason = "property test" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return (await _admin.SendAsync(request)).StatusCode;
        }, HttpStatusCode.OK);
    }

    /// <summary>A Stripe sale's chargeback: its funds withdrawn, or, once withdrawn, the dispute won (funds back) or lost.</summary>
    private async Task<Op?> DisputeAsync()
    {
        var closable = _sales.Where(s => s.Disputed > 0 && !s.DisputeClosed).ToList();
        if (closable.Count > 0 && _random.Next(2) == 0)
        {
            var sale = Pick(closable);
            var won = _random.Next(2) == 0;
            sale.DisputeClosed = true;
            var closed = sale.Stripe!.Dispute("charge.dispute.closed", $"dp_{sale.Stripe.Intent}", sale.Disputed, won ? "won" : "lost", withdrawn: true, reinstated: won);
            return new Op($"dispute of {sale.Disputed} on invoice {sale.InvoiceId} {(won ? "won" : "lost")}", $"invoice {sale.InvoiceId}", () => DeliverAsync(closed), HttpStatusCode.OK);
        }
        var open = (await RefundableAsync()).Where(s => s.Sale.Stripe is not null && s.Sale.Disputed == 0).ToList();
        if (open.Count == 0) return null;
        var (disputed, left) = Pick(open);
        var amount = _random.NextInt64(1, left + 1);
        disputed.Disputed = amount;
        var withdrawn = disputed.Stripe!.Dispute("charge.dispute.funds_withdrawn", $"dp_{disputed.Stripe.Intent}", amount, "needs_response", withdrawn: true);
        return new Op($"dispute of {amount} on invoice {disputed.InvoiceId}: funds withdrawn", $"invoice {disputed.InvoiceId}", () => DeliverAsync(withdrawn), HttpStatusCode.OK);
    }

    private Op Generate(Guid partnerId) => new($"generate payouts of partner {partnerId}", null, async () =>
        (await _admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).StatusCode, HttpStatusCode.OK, HttpStatusCode.Created);

    /// <summary>An owed payout of the Stripe Connect partner approved and sent; its transfer job pays it.</summary>
    private async Task<Op?> SendAsync()
    {
        var owed = await Flows.QueryAsync(App, db => db.PartnerPayouts.Where(p => p.PartnerId == _connectPartner && p.Status == PayoutStatus.Owed)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Currency).ThenBy(p => p.Amount).Select(p => p.Id).ToListAsync());
        if (owed.Count == 0) return null;
        var payoutId = Pick(owed);
        return new Op($"approve and send payout {payoutId}", $"payout {payoutId}", async () =>
        {
            var approved = await _admin.PostAsync($"/api/partners/{_connectPartner}/payouts/{payoutId}/approve", null);
            if (approved.StatusCode != HttpStatusCode.OK) return approved.StatusCode;
            return (await _admin.PostAsync($"/api/partners/{_connectPartner}/payouts/{payoutId}/send", null)).StatusCode;
        }, HttpStatusCode.Accepted);
    }

    /// <summary>Stripe reverses part or the rest of a paid payout's transfer (<c>amount_reversed</c> is cumulative).</summary>
    private async Task<Op?> ReverseTransferAsync()
    {
        var paid = await Flows.QueryAsync(App, db => db.PartnerPayouts.AsNoTracking()
            .Where(p => p.PartnerId == _connectPartner && (p.Status == PayoutStatus.Paid || p.Status == PayoutStatus.Reversed) && p.ReversedAmount < p.Amount)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Currency).ThenBy(p => p.Amount).ToListAsync());
        if (paid.Count == 0) return null;
        var payout = Pick(paid);
        var reversedTo = payout.ReversedAmount + (_random.Next(2) == 0 ? payout.Amount - payout.ReversedAmount : _random.NextInt64(1, payout.Amount - payout.ReversedAmount + 1));
        var transfer = fixture.Stripe.Transfers.Single(t => (string?)t["id"] == payout.Reference);
        var reversed = StripeObjects.Event($"evt_trr_{Guid.NewGuid():N}", "transfer.reversed", StripeObjects.Reversed(transfer, reversedTo));
        return new Op($"transfer of payout {payout.Id} ({payout.Currency} {payout.Amount}) reversed to {reversedTo}", $"payout {payout.Id}",
            () => DeliverAsync(reversed), HttpStatusCode.OK);
    }

    public void Dispose()
    {
        _admin?.Dispose();
        _buyer?.Dispose();
        _stripe?.Dispose();
    }

    /// <summary>A Stripe event signed at the app's time (the signature's age is checked against its clock).</summary>
    private async Task<HttpStatusCode> DeliverAsync(string payload) =>
        (await Flows.PostWebhookAsync(_stripe, payload, StripeSigner.Header(payload, PartnerWebFactory.WebhookSecret, Clock.GetUtcNow()))).StatusCode;
}
