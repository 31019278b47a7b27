using System.Net;
using System.Text.Json;
using PartnerWeb.Features.Audit;

namespace PartnerWeb.Tests.Reliability;

/// <summary>The multi-instance test: what the answers, the ledger and the payouts must be.</summary>
public sealed partial class MultiInstanceTests
{
    // ---------------------------------------------------------------- the ledger

    private sealed record Ledger(int Paid, int Earnings, int Commissions, long SumGross, long SumCommission, long SumNet, long SumResellerCommission,
        IReadOnlyDictionary<string, long> NetByCurrency)
    {
        public string Describe() =>
            $"Ledger: {Paid} invoices paid, {Earnings} partner earnings (one per invoice and partner), {Commissions} reseller commissions, 0 duplicates, 0 missing; "
            + $"Σ gross {SumGross} = Σ commission {SumCommission} + Σ net {SumNet}, Σ reseller commission {SumResellerCommission}, each exactly as computed from the prices";
    }

    /// <summary>
    /// Every invoice is paid once: one INVOICE_PAID audit event, one processed Stripe event, one
    /// earning for its partner and one commission for the reseller, each with its audit event; every
    /// accrual task complete; sums exact to the minor unit.
    /// </summary>
    private Ledger AssertLedger(Shop shop, IReadOnlyDictionary<Guid, Sale> invoices, IReadOnlySet<Guid> answeredPaid)
    {
        var rows = _db.Rows("""SELECT "Id", "Status", "PaymentMethod" FROM "Invoices" """, r => (Id: r.GetGuid(0), Status: r.GetString(1), Method: r.IsDBNull(2) ? null : r.GetString(2)))
            .Where(r => invoices.ContainsKey(r.Id)).ToList();
        Assert.Equal(invoices.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal("Paid", r.Status));
        Assert.All(rows, r => Assert.Contains(r.Method, new[] { "Stripe", "Manual" }));

        var earnings = _db.Rows("""SELECT "Id", "InvoiceId", "PartnerId", "Currency", "GrossAmount", "CommissionAmount", "PartnerNet" FROM "PartnerEarnings" """, r => (
            Id: r.GetGuid(0), InvoiceId: r.GetGuid(1), PartnerId: r.GetGuid(2), Currency: r.GetString(3), Gross: r.GetInt64(4), Commission: r.GetInt64(5), Net: r.GetInt64(6)));
        var commissions = _db.Rows("""SELECT "Id", "InvoiceId", "Currency", "Amount" FROM "ResellerCommissions" """, r => (
            Id: r.GetGuid(0), InvoiceId: r.GetGuid(1), Currency: r.GetString(2), Amount: r.GetInt64(3)));

        // Exactly one earning per (invoice, partner) and one commission per invoice: none doubled, none missing.
        var doubled = earnings.GroupBy(e => (e.InvoiceId, e.PartnerId)).Where(g => g.Count() > 1).ToList();
        Assert.True(doubled.Count == 0, $"{doubled.Count} (invoice, partner) pairs have more than one earning, e.g. {string.Join(", ", doubled.Take(5).Select(g => $"{g.Key.InvoiceId}: {g.Count()}"))}");
        var missing = invoices.Keys.Except(earnings.Select(e => e.InvoiceId)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} paid invoices have no earning, e.g. {string.Join(", ", missing.Take(5))}");
        var unearned = answeredPaid.Except(earnings.Select(e => e.InvoiceId)).ToList();
        Assert.True(unearned.Count == 0, $"{unearned.Count} payments answered paid have no earning, e.g. {string.Join(", ", unearned.Take(5))}");
        Assert.Equal(invoices.Keys.Order(), earnings.Select(e => e.InvoiceId).Order());
        Assert.Equal(invoices.Keys.Order(), commissions.Select(c => c.InvoiceId).Order());
        shop.AssertEntriesAsSold(invoices,
            earnings.Select(e => (e.InvoiceId, e.PartnerId, e.Currency, e.Gross, e.Commission, e.Net)), commissions.Select(c => (c.InvoiceId, c.Currency, c.Amount)));

        // One audit event per state change: the payment, each earning, each commission.
        Assert.Equal(invoices.Keys.Order(), AuditEntities(AuditActions.InvoicePaid).Order());
        Assert.Equal(earnings.Select(e => e.Id).Order(), AuditEntities(AuditActions.PartnerEarningAccrued).Order());
        Assert.Equal(commissions.Select(c => c.Id).Order(), AuditEntities(AuditActions.ResellerCommissionAccrued).Order());

        // One task per kind per invoice, every one complete.
        Assert.Equal(0, _db.Scalar("""SELECT COUNT(*) FROM "AccrualTasks" WHERE "CompletedAt" IS NULL"""));
        Assert.Equal(invoices.Count * AccrualKinds, _db.Scalar("""SELECT COUNT(*) FROM (SELECT DISTINCT "InvoiceId", "Kind" FROM "AccrualTasks") t"""));
        Assert.Equal(invoices.Count * AccrualKinds, _db.Scalar("""SELECT COUNT(*) FROM "AccrualTasks" """));

        // Exact sums, in SQL and in C#, to the minor unit.
        var sumGross = _db.Scalar("""SELECT COALESCE(SUM("GrossAmount"), 0) FROM "PartnerEarnings" """);
        var sumCommission = _db.Scalar("""SELECT COALESCE(SUM("CommissionAmount"), 0) FROM "PartnerEarnings" """);
        var sumNet = _db.Scalar("""SELECT COALESCE(SUM("PartnerNet"), 0) FROM "PartnerEarnings" """);
        var sumReseller = _db.Scalar("""SELECT COALESCE(SUM("Amount"), 0) FROM "ResellerCommissions" """);
        Assert.Equal(sumGross, sumCommission + sumNet);
        Assert.Equal(invoices.Values.Sum(s => s.Price), sumGross);
        Assert.Equal(invoices.Values.Sum(s => s.Commission), sumCommission);
        Assert.Equal(invoices.Values.Sum(s => s.Net), sumNet);
        Assert.Equal(earnings.Sum(e => e.Net), sumNet);
        Assert.Equal(invoices.Values.Sum(s => s.ResellerCommission), sumReseller);
        Assert.All(earnings, e => Assert.Equal(e.Gross, e.Commission + e.Net));

        var netByCurrency = invoices.Values.GroupBy(s => s.Currency).ToDictionary(g => g.Key, g => g.Sum(s => s.Net));
        return new Ledger(rows.Count, earnings.Count, commissions.Count, sumGross, sumCommission, sumNet, sumReseller, netByCurrency);
    }

    private List<Guid> AuditEntities(string action) =>
        _db.Rows("""SELECT "EntityId" FROM "AuditEvents" WHERE "Action" = @p0""", r => r.GetGuid(0), action);

    private sealed record Answers(int WebhookPaid, int ManualPaid, int ManualConflicts, int Duplicates, int AlreadyPaid, int LostWithKill, IReadOnlySet<Guid> AnsweredPaid);

    /// <summary>
    /// Each invoice was answered <c>paid</c> (delivery outcome paid, or manual 200) exactly once, by a
    /// request of the method the database recorded (its earning is checked with the ledger). The one
    /// exception is an invoice whose paying request died with the killed instance after its commit:
    /// its repeats answer duplicate/409, so it has no paid answer, and then a request of the recorded
    /// method must have gone unanswered. The event's processed row says what its first delivery decided.
    /// </summary>
    private Answers AssertOnePaidAnswerPerInvoice(IReadOnlyDictionary<Guid, Sale> invoices, List<Request> requests)
    {
        var methods = _db.Rows("""SELECT "Id", "PaymentMethod" FROM "Invoices" WHERE "PaymentMethod" IS NOT NULL""", r => (Id: r.GetGuid(0), Method: r.GetString(1)))
            .ToDictionary(r => r.Id, r => r.Method);
        var events = _db.Rows("""SELECT "InvoiceId", "EventId", "Outcome" FROM "ProcessedStripeEvents" """, r => (InvoiceId: r.GetGuid(0), EventId: r.GetString(1), Outcome: r.GetString(2)))
            .Where(e => invoices.ContainsKey(e.InvoiceId)).ToList();
        Assert.Equal(invoices.Keys.Order(), events.Select(e => e.InvoiceId).Order());

        var lost = 0;
        foreach (var (invoiceId, of) in requests.GroupBy(r => r.InvoiceId).ToDictionary(g => g.Key, g => g.ToList()))
        {
            var story = string.Join("; ", of.Select(r => r.Describe()));
            Assert.True(methods.TryGetValue(invoiceId, out var method), $"invoice {invoiceId} is not paid: {story}");
            var via = method == "Stripe" ? Via.Webhook : Via.Manual;
            var paidBy = of.Where(r => r.Paid).ToList();
            Assert.True(paidBy.Count <= 1, $"invoice {invoiceId} was answered paid {paidBy.Count} times: {story}");
            if (paidBy.Count == 1)
            {
                Assert.True(paidBy[0].Via == via, $"invoice {invoiceId} was answered paid by a {paidBy[0].Via} request but recorded as paid by {method}: {story}");
            }
            else
            {
                Assert.True(of.Any(r => r.Via == via && r.Unanswered), $"invoice {invoiceId} (paid by {method}) has no paid answer and no {via} request of it died unanswered: {story}");
                lost++;
            }
            Assert.Equal(method == "Stripe" ? "paid" : "alreadypaid", events.Single(e => e.InvoiceId == invoiceId).Outcome);
            Assert.Equal($"evt_multi_{invoiceId:N}", events.Single(e => e.InvoiceId == invoiceId).EventId);
        }
        Assert.Equal(invoices.Count, requests.Select(r => r.InvoiceId).Distinct().Count());

        return new Answers(
            requests.Count(r => r.Via == Via.Webhook && r.Paid), requests.Count(r => r.Via == Via.Manual && r.Paid),
            requests.Count(r => r.Via == Via.Manual && r.Final == "conflict"), requests.Count(r => r.Final == "duplicate"),
            requests.Count(r => r.Final == "alreadypaid"), lost, requests.Where(r => r.Paid).Select(r => r.InvoiceId).ToHashSet());
    }

    // ---------------------------------------------------------------- payouts

    private sealed record Generation(int Instance, HttpStatusCode Status, string Body, IReadOnlyList<(Guid Id, string Currency, long Amount)> Payouts);

    /// <summary>POST …/payouts/generate from every instance, released at the same moment.</summary>
    private async Task<List<Generation>> GenerateFromAllAsync(Shop shop)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, Instances).Where(n => !Volatile.Read(ref _dead[n])).Select(async n =>
        {
            var admin = _admins[n]!;
            await go.Task;
            using var response = await admin.PostAsync($"/api/partners/{shop.PartnerId}/payouts/generate", null);
            var body = await response.Content.ReadAsStringAsync();
            var payouts = response.IsSuccessStatusCode
                ? JsonDocument.Parse(body).RootElement.GetProperty("payouts").EnumerateArray()
                    .Select(p => (p.GetProperty("id").GetGuid(), p.GetProperty("currency").GetString()!, p.GetProperty("amount").GetInt64())).ToList()
                : [];
            return new Generation(n, response.StatusCode, body, payouts);
        }).ToList();
        go.SetResult();
        return (await Task.WhenAll(calls)).ToList();
    }

    /// <summary>
    /// Exactly one owed payout per currency, whose amount is the sum of its earnings' net; every
    /// earning in exactly one payout of its currency; each payout answered by exactly one instance
    /// and audited once; generating again finds nothing owed.
    /// </summary>
    private string AssertOnePayoutPerCurrency(Shop shop, Ledger ledger, List<Generation> generation)
    {
        Assert.All(generation.Where(g => (int)g.Status < 500), g => Assert.True(g.Status is HttpStatusCode.Created or HttpStatusCode.OK,
            $"generate on instance {g.Instance + 1} answered {(int)g.Status}: {g.Body}"));
        Assert.All(generation.Where(g => g.Status == HttpStatusCode.OK), g => Assert.Empty(g.Payouts));

        var payouts = _db.Rows("""SELECT "Id", "Currency", "Amount", "Status", "PartnerId" FROM "PartnerPayouts" """,
            r => (Id: r.GetGuid(0), Currency: r.GetString(1), Amount: r.GetInt64(2), Status: r.GetString(3), PartnerId: r.GetGuid(4)));
        var earnings = _db.Rows("""SELECT "Id", "Currency", "PartnerNet", "PayoutId" FROM "PartnerEarnings" """,
            r => (Id: r.GetGuid(0), Currency: r.GetString(1), Net: r.GetInt64(2), PayoutId: r.IsDBNull(3) ? (Guid?)null : r.GetGuid(3)));

        Assert.Equal(ledger.NetByCurrency.Keys.Order(), payouts.Select(p => p.Currency).Order());
        var byId = payouts.ToDictionary(p => p.Id);
        Assert.All(earnings, e => Assert.True(e.PayoutId is { } id && byId.TryGetValue(id, out var p) && p.Currency == e.Currency,
            $"earning {e.Id} ({e.Currency}) is in no payout of its currency"));
        foreach (var payout in payouts)
        {
            Assert.Equal(shop.PartnerId, payout.PartnerId);
            Assert.Equal("Owed", payout.Status);
            Assert.Equal(earnings.Where(e => e.PayoutId == payout.Id).Sum(e => e.Net), payout.Amount);
            Assert.Equal(ledger.NetByCurrency[payout.Currency], payout.Amount);
        }
        Assert.Equal(payouts.Select(p => p.Id).Order(), AuditEntities(AuditActions.PartnerPayoutGenerated).Order());

        // What the instances answered is what was committed: each payout in exactly one answer.
        var answered = generation.SelectMany(g => g.Payouts).ToList();
        Assert.Equal(answered.Count, answered.Select(p => p.Id).Distinct().Count());
        Assert.All(answered, p => Assert.True(byId.TryGetValue(p.Id, out var row) && (row.Currency, row.Amount) == (p.Currency, p.Amount),
            $"generation answered payout {p.Id} ({p.Currency} {p.Amount}), which is not committed as such"));
        if (generation.All(g => g.Status is HttpStatusCode.Created or HttpStatusCode.OK))
            Assert.Equal(payouts.Select(p => p.Id).Order(), answered.Select(p => p.Id).Order());

        return $"Payout generation started on all {generation.Count} instances at once (the killed one replaced): answers "
            + string.Join(", ", generation.Select(g => $"{(int)g.Status} with {g.Payouts.Count}"))
            + $"; {payouts.Count} payouts, one per currency, every one of {earnings.Count} earnings in exactly one, "
            + string.Join(", ", payouts.OrderBy(p => p.Currency, StringComparer.Ordinal).Select(p => $"Σ {p.Currency} payout {p.Amount} = Σ net {ledger.NetByCurrency[p.Currency]}"));
    }

    /// <summary>
    /// Accrual did not stall on the survivors, and no request was answered 5xx. Kept apart and last so
    /// that a failure here (a deadlock answered 500, say) still shows the final state was asserted
    /// first; its message counts them.
    /// </summary>
    private void AssertNoDeferredFailures(string?[] deferred, List<Request> requests, List<Generation> generation, long deadlocks)
    {
        var earlier = deferred.OfType<string>().ToList();
        var failed = requests.SelectMany(r => r.Tries.Where(t => t.Answer.StartsWith("HTTP 5", StringComparison.Ordinal)).Select(t => (Request: r, Try: t))).ToList();
        var generations = generation.Where(g => (int)g.Status >= 500).ToList();
        Assert.True(earlier.Count == 0 && failed.Count == 0 && generations.Count == 0,
            string.Concat(earlier.Select(e => e + ". "))
            + $"{failed.Count} payment attempts answered 5xx ({failed.Count(f => f.Request.Via == Via.Webhook)} webhook deliveries, then delivered again as Stripe would; "
            + $"{failed.Count(f => f.Request.Via == Via.Manual)} manual payments), {generations.Count} of {generation.Count} payout generations answered 5xx; "
            + $"the final state above was exact. PostgreSQL counted {deadlocks} deadlocks in this database; "
            + $"lines with 40P01 in the instances' logs: {string.Join(", ", _logs.Select((l, n) => $"instance {n + 1}: {CountInLog(l, "40P01")}"))}. "
            + $"E.g. {string.Join(" | ", failed.Take(3).Select(f => f.Request.Describe()).Concat(generations.Take(2).Select(g => $"generate on instance {g.Instance + 1}: {(int)g.Status} {g.Body}")))}");
    }

    private static int CountInLog(AppLog log, string text) =>
        File.Exists(log.Path) ? File.ReadLines(log.Path).Count(l => l.Contains(text, StringComparison.Ordinal)) : 0;
}
