using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Features.Partners;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// The paths made faster for issue 8 (group commit of webhook payments, batched accruals, the SQLite
/// write gate and background checkpoints, the dashboard's day chart): they must decide exactly what
/// the one-at-a-time paths decided.
/// </summary>
public sealed class ThroughputPathTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<Guid> OpenInvoiceAsync()
    {
        using var customer = await factory.ClientAsAsync(Demo.GlobexOwner);
        return await Flows.InstallAsync(customer, await Flows.TemplateIdAsync(factory));
    }

    private static PaymentClaim Stripe(Guid invoiceId, string eventId, long amount = 4900) =>
        new(invoiceId, PaymentMethod.Stripe, "in_" + eventId, amount, "usd", new StripeEventRef(eventId, "invoice.paid"));

    [Fact]
    public async Task A_group_commit_decides_each_claim_as_it_would_be_decided_alone()
    {
        var (a, b, c) = (await OpenInvoiceAsync(), await OpenInvoiceAsync(), await OpenInvoiceAsync());
        using (var admin = await factory.ClientAsAsync(Demo.PlatformAdmin))
            await (await admin.PostAsync($"/api/billing/invoices/{c}/void", null)).AssertJsonAsync(HttpStatusCode.OK);
        var run = Guid.NewGuid().ToString("N")[..8];
        string Id(int n) => $"evt_group_{run}_{n}";

        IReadOnlyList<PaymentOutcome> outcomes;
        using (var scope = factory.Services.CreateScope())
        {
            outcomes = await scope.ServiceProvider.GetRequiredService<InvoicePayments>().PayManyAsync(
            [
                Stripe(a, Id(1)),
                Stripe(a, Id(1)),               // the same event again in the same batch
                Stripe(a, Id(2)),               // another event for an invoice paid earlier in the batch
                Stripe(Guid.NewGuid(), Id(3)),  // not our invoice
                Stripe(b, Id(4), amount: 1),    // wrong amount
                Stripe(c, Id(5)),               // void invoice
            ], CancellationToken.None);
        }

        Assert.Equal(
            [PaymentOutcome.Paid, PaymentOutcome.DuplicateEvent, PaymentOutcome.AlreadyPaid, PaymentOutcome.NotFound, PaymentOutcome.Mismatch, PaymentOutcome.Void],
            outcomes);
        var (statuses, events, tasks, paidAudits, mismatchAudits) = await Flows.QueryAsync(factory, async db => (
            await db.Invoices.Where(i => i.Id == a || i.Id == b || i.Id == c).ToDictionaryAsync(i => i.Id, i => i.Status),
            await db.ProcessedStripeEvents.Where(e => e.EventId.StartsWith($"evt_group_{run}_")).ToDictionaryAsync(e => e.EventId, e => e.Outcome),
            await db.AccrualTasks.CountAsync(t => t.InvoiceId == a),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvoicePaid && e.EntityId == a),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvoicePaymentMismatch && e.EntityId == b)));
        Assert.Equal((InvoiceStatus.Paid, InvoiceStatus.Open, InvoiceStatus.Void), (statuses[a], statuses[b], statuses[c]));
        Assert.Equal(new Dictionary<string, string> { [Id(1)] = "paid", [Id(2)] = "alreadypaid", [Id(4)] = "mismatch", [Id(5)] = "void" }, events);
        // Globex was not created by a reseller: the partner accrual task only.
        Assert.Equal((1, 1, 1), (tasks, paidAudits, mismatchAudits));
    }

    [Fact]
    public async Task Concurrent_webhooks_and_their_redeliveries_pay_each_invoice_once()
    {
        var invoices = new List<Guid>();
        for (var i = 0; i < 24; i++) invoices.Add(await OpenInvoiceAsync());
        var run = Guid.NewGuid().ToString("N")[..8];
        var payloads = invoices.Select((id, i) => StripeSigner.InvoicePaid($"evt_conc_{run}_{i}", id, 4900)).ToList();

        using var client = factory.CreateApiClient();
        async Task<string> Deliver(string payload) =>
            (await (await Flows.PostSignedWebhookAsync(client, payload)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString()!;
        // Every event twice, all at once: first deliveries and redeliveries share batches.
        var outcomes = await Task.WhenAll(payloads.Concat(payloads).Select(p => Task.Run(() => Deliver(p))));

        Assert.Equal(invoices.Count, outcomes.Count(o => o == "paid"));
        Assert.Equal(invoices.Count, outcomes.Count(o => o == "duplicate"));
        var (paid, events, tasks) = await Flows.QueryAsync(factory, async db => (
            await db.Invoices.CountAsync(i => invoices.Contains(i.Id) && i.Status == InvoiceStatus.Paid),
            await db.ProcessedStripeEvents.CountAsync(e => e.EventId.StartsWith($"evt_conc_{run}_")),
            await db.AccrualTasks.CountAsync(t => invoices.Contains(t.InvoiceId))));
        Assert.Equal((invoices.Count, invoices.Count, invoices.Count), (paid, events, tasks));
        await Flows.EventuallyAsync(() => Flows.QueryAsync(factory, db => db.AccrualTasks.Where(t => invoices.Contains(t.InvoiceId)).AllAsync(t => t.CompletedAt != null)),
            "the batched accrual jobs to complete every task");
    }

    [Fact]
    [Trait("Database", TestDatabase.SqliteOnly)]
    public async Task A_transaction_disposed_without_commit_lets_the_next_writer_in_at_once()
    {
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var abandoned = await db.Database.BeginTransactionAsync();
            await db.Tenants.CountAsync();
        }

        var clock = Stopwatch.StartNew();
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var next = await db.Database.BeginTransactionAsync();
            await next.CommitAsync();
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the next writer waited {clock.Elapsed}");
    }

    /// <summary>
    /// A unit of work that fails or is discarded rolls back at once, so the write gate is free again even
    /// while its caller keeps the connection open (as <c>[OneDbConnection]</c> requests do).
    /// </summary>
    [Fact]
    public async Task A_failed_or_discarded_unit_of_work_lets_the_next_writer_in_at_once()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            UnitOfWork.RunAsync<bool>(db, (_, _) => throw new InvalidOperationException("refused"), CancellationToken.None));
        await NextWriterGetsInAtOnceAsync();
        Assert.False(await UnitOfWork.RunAsync(db, (work, _) => Task.FromResult(work.Discard(false)), CancellationToken.None));
        await NextWriterGetsInAtOnceAsync();
    }

    private async Task NextWriterGetsInAtOnceAsync()
    {
        var clock = Stopwatch.StartNew();
        using var scope = factory.Services.CreateScope();
        Assert.True(await UnitOfWork.RunAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), (_, _) => Task.FromResult(true), CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the next writer waited {clock.Elapsed}");
    }

    [Fact]
    [Trait("Database", TestDatabase.SqliteOnly)]
    public async Task Concurrent_writers_queue_in_the_process_instead_of_sleeping_in_SQLite()
    {
        const int writers = 20;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Tenants.CountAsync();
            await Task.Delay(5);
            await tx.CommitAsync();
        })));
        // Microsoft.Data.Sqlite sleeps 150 ms whenever BEGIN finds the lock taken; twenty overlapping
        // writers left to that would take seconds. In line, they take about twenty times 5 ms.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{writers} short write transactions took {clock.Elapsed}");
    }

    [Fact]
    [Trait("Database", TestDatabase.SqliteOnly)]
    public async Task App_connections_leave_checkpoints_to_the_background_checkpointer()
    {
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }

        // New pages live in the WAL until a checkpoint copies them into the database file, so the file
        // grows only when the background checkpointer has run.
        var before = new FileInfo(factory.DatabasePath).Length;
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = DateTime.UtcNow;
            db.AuditEvents.AddRange(Enumerable.Range(0, 400).Select(i => new AuditEvent
            {
                Id = Guid.CreateVersion7(), Action = "TEST_FILLER", EntityType = "Test", EntityId = Guid.NewGuid(),
                Data = new string('x', 400), CreatedAt = now,
            }));
            await db.SaveChangesAsync();
        }
        await Flows.EventuallyAsync(() => Task.FromResult(new FileInfo(factory.DatabasePath).Length > before),
            "a background checkpoint to copy the new pages into the database file", timeoutSeconds: 10);
    }

    [Fact]
    public async Task The_chart_sums_net_per_day_or_week_and_currency_in_SQL()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        var (day1, day2) = (new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 3, 2, 23, 59, 0, DateTimeKind.Utc));
        await LedgerSeed.EarningsAsync(factory, partnerId, (day1, "USD", 100), (day1.AddHours(3), "USD", 50), (day2, "USD", 7), (day2, "EUR", 9));

        using (var scope = factory.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerReader>();
            var daily = await ledger.NetPerSlotAsync(partnerId, LedgerPeriod.Of(null, null), 1, CancellationToken.None);
            Assert.Equal(
                [new SlotNet(new DateOnly(2026, 3, 1), "USD", 150), new SlotNet(new DateOnly(2026, 3, 2), "EUR", 9), new SlotNet(new DateOnly(2026, 3, 2), "USD", 7)],
                daily);
            // By week: 2026-03-01 is a Sunday, the last day of its week, and the 2nd starts the next one. A slot is
            // named by its first day with entries, whatever day its week began.
            var weekly = await ledger.NetPerSlotAsync(partnerId, LedgerPeriod.Of(null, null), 7, CancellationToken.None);
            Assert.Equal(
                [new SlotNet(new DateOnly(2026, 3, 1), "USD", 150), new SlotNet(new DateOnly(2026, 3, 2), "EUR", 9), new SlotNet(new DateOnly(2026, 3, 2), "USD", 7)],
                weekly);
            var fromTheSecond = await ledger.NetPerSlotAsync(partnerId, LedgerPeriod.Of(new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc), null), 7, CancellationToken.None);
            Assert.Equal(new DateOnly(2026, 3, 2), fromTheSecond.Min(s => s.Day));
            Assert.Empty(await ledger.NetPerSlotAsync(partnerId, LedgerPeriod.Of(new DateTime(2026, 3, 3, 0, 0, 0, DateTimeKind.Utc), null), 7, CancellationToken.None));
        }
    }
}
