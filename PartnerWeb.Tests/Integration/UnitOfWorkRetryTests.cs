using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Billing;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// The money writes under an execution strategy that retries, as SQL Server's and PostgreSQL's do, with
/// the first attempt of each write failing as it saves or as it commits (or, for a refund, after its
/// commit went through): each must be retried and applied exactly once. The whole app runs under that
/// strategy here, so a transaction begun outside the unit of work would fail too.
/// </summary>
// The faults are injected through the SQLite context's options; the server passes retry for real (EnableRetryOnFailure).
[Trait("Database", TestDatabase.SqliteOnly)]
public sealed class UnitOfWorkRetryTests(UnitOfWorkRetryTests.RetryingFactory factory) : IClassFixture<UnitOfWorkRetryTests.RetryingFactory>
{
    public sealed class RetryingFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
    {
        // Jobs are recorded, not run; the reconcile job must not hand the same tasks over again.
        ["Jobs:ReconcileGraceSeconds"] = "3600",
    })
    {
        public TransientFaults Faults { get; } = new();
        public RecordingJobClient Jobs { get; } = new();
        public int Retries => _retries;
        private int _retries;

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            services.AddSingleton<IBackgroundJobClient>(Jobs);
            services.ConfigureDbContext<SqliteAppDbContext>((_, options) =>
            {
                new SqliteDbContextOptionsBuilder(options)
                    .ExecutionStrategy(dependencies => new RetryInjectedFailures(dependencies, () => Interlocked.Increment(ref _retries)));
                options.AddInterceptors(Faults);
            }, ServiceLifetime.Singleton); // as the app builds its options: once
        }
    }

    /// <summary>Runs the write with its first attempt failing; it must have been retried, once.</summary>
    private async Task<T> FailingOnceAsync<T>(FailAt at, string auditAction, Func<Task<T>> write)
    {
        var (failed, retries) = (factory.Faults.Failed, factory.Retries);
        factory.Faults.FailNext(auditAction, at);
        var result = await write();
        Assert.Equal((failed + 1, retries + 1), (factory.Faults.Failed, factory.Retries));
        return result;
    }

    /// <summary>
    /// The tasks handed over since <paramref name="handedBefore"/> are the committed ones, each once: none
    /// twice, none of a rolled-back attempt. A group commit hands them over in the background, so they are awaited.
    /// </summary>
    private async Task AssertHandedOverOnceAsync(int handedBefore, IReadOnlyCollection<Guid> committed)
    {
        Assert.NotEmpty(committed);
        await Flows.EventuallyAsync(() => Task.FromResult(factory.Jobs.TaskIds.Count >= handedBefore + committed.Count), "the tasks to be handed over");
        Assert.Equal(committed.Order(), factory.Jobs.TaskIds.Skip(handedBefore).Order());
    }

    private async Task<Guid> ChildTenantInvoiceAsync()
    {
        using var child = await Flows.ChildTenantOwnerAsync(factory);
        return await Flows.InstallAsync(child, await Flows.TemplateIdAsync(factory));
    }

    private async Task MarkPaidAsync(Guid invoiceId)
    {
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
    }

    private async Task RunAccrualAsync(Guid taskId)
    {
        using var scope = factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccrualJob>().RunAsync(taskId, CancellationToken.None);
    }

    /// <summary>A new approved partner whose own item Globex bought and paid for; returns the partner and its accrual task.</summary>
    private async Task<(Guid PartnerId, Guid InvoiceId, Guid TaskId)> PaidSaleAsync()
    {
        using var owner = await Flows.ChildTenantOwnerAsync(factory);
        var applied = await (await owner.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Retried partner"))).AssertJsonAsync(HttpStatusCode.Created);
        var partnerId = applied.GetProperty("id").GetGuid();
        using (var admin = await factory.ClientAsAsync(Demo.PlatformAdmin))
            await (await admin.PostAsync($"/api/partners/{partnerId}/approve", null)).AssertJsonAsync(HttpStatusCode.OK);
        var itemId = await PartnerFlows.PublishAsync(owner, $"Retried item {Guid.NewGuid():N}", 10_000);
        await PartnerFlows.CreateListingAsync(owner, partnerId, itemId);
        using var buyer = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(buyer, itemId);
        await MarkPaidAsync(invoiceId);
        var taskId = await Flows.QueryAsync(factory, db => db.AccrualTasks.Where(t => t.InvoiceId == invoiceId && t.Kind == AccrualKind.Partner).Select(t => t.Id).SingleAsync());
        return (partnerId, invoiceId, taskId);
    }

    /// <summary>The service itself, not the webhook: <see cref="PaymentBatcher"/> would hide a failed retry by deciding each claim alone.</summary>
    [Theory]
    [InlineData(FailAt.Save)]
    [InlineData(FailAt.Commit)]
    public async Task A_group_of_Stripe_payments_that_fails_once_is_paid_once(FailAt at)
    {
        var invoices = new[] { await ChildTenantInvoiceAsync(), await ChildTenantInvoiceAsync() };
        var eventIds = invoices.Select(_ => $"evt_retry_{Guid.NewGuid():N}").ToArray();
        var claims = invoices.Zip(eventIds, (invoiceId, eventId) =>
            new PaymentClaim(invoiceId, PaymentMethod.Stripe, "in_" + eventId, 4900, "usd", new StripeEventRef(eventId, "invoice.paid"))).ToList();

        var handed = factory.Jobs.TaskIds.Count;
        var outcomes = await FailingOnceAsync(at, AuditActions.InvoicePaid, async () =>
        {
            using var scope = factory.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<InvoicePayments>().PayManyAsync(claims, CancellationToken.None);
        });

        Assert.Equal([PaymentOutcome.Paid, PaymentOutcome.Paid], outcomes);
        var (paid, events, audits, tasks) = await Flows.QueryAsync(factory, async db => (
            await db.Invoices.CountAsync(i => invoices.Contains(i.Id) && i.Status == InvoiceStatus.Paid),
            await db.ProcessedStripeEvents.Where(e => eventIds.Contains(e.EventId)).Select(e => e.Outcome).ToListAsync(),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvoicePaid && invoices.Contains(e.EntityId)),
            await db.AccrualTasks.Where(t => invoices.Contains(t.InvoiceId)).Select(t => t.Id).ToListAsync()));
        Assert.Equal((2, 2), (paid, audits));
        Assert.Equal(["paid", "paid"], events);
        // Reseller child tenants: one partner task and one reseller task each.
        Assert.Equal(4, tasks.Count);
        await AssertHandedOverOnceAsync(handed, tasks);
    }

    [Theory]
    [InlineData(FailAt.Save)]
    [InlineData(FailAt.Commit)]
    public async Task A_refund_that_fails_once_refunds_once(FailAt at)
    {
        var invoiceId = await ChildTenantInvoiceAsync();
        await MarkPaidAsync(invoiceId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);

        var handed = factory.Jobs.TaskIds.Count;
        var invoice = await FailingOnceAsync(at, AuditActions.InvoiceRefunded, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/billing/invoices/{invoiceId}/refund") { Content = JsonContent.Create(new { amount = 1000 }) };
            request.Headers.Add("Idempotency-Key", $"retry-{invoiceId}");
            return await (await admin.SendAsync(request)).AssertJsonAsync(HttpStatusCode.OK);
        });

        Assert.Equal(("partially_refunded", 1000L), (invoice.GetProperty("status").GetString(), invoice.GetProperty("refundedAmount").GetInt64()));
        var (refunded, refunds, audits, reversalTasks) = await Flows.QueryAsync(factory, async db => (
            await db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync(),
            await db.InvoiceRefunds.CountAsync(r => r.InvoiceId == invoiceId),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvoiceRefunded && e.EntityId == invoiceId),
            await db.AccrualTasks.Where(t => t.InvoiceId == invoiceId && t.RefundId != null).Select(t => t.Id).ToListAsync()));
        Assert.Equal((1000L, 1, 1, 2), (refunded, refunds, audits, reversalTasks.Count));
        await AssertHandedOverOnceAsync(handed, reversalTasks);
    }

    /// <summary>
    /// The commit went through but its answer was lost, so the strategy retries a refund that happened;
    /// the retry must find it, even with no Idempotency-Key. (Its reversal tasks were committed; the
    /// reconcile job hands them over, as after any lost hand-over.)
    /// </summary>
    [Fact]
    public async Task A_refund_retried_after_its_commit_went_through_refunds_nothing_more()
    {
        var invoiceId = await ChildTenantInvoiceAsync();
        await MarkPaidAsync(invoiceId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);

        var invoice = await FailingOnceAsync(FailAt.AfterCommit, AuditActions.InvoiceRefunded, async () =>
            await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/refund", new { amount = 1000 })).AssertJsonAsync(HttpStatusCode.OK));

        Assert.Equal(1000L, invoice.GetProperty("refundedAmount").GetInt64());
        var (refunded, refunds, audits) = await Flows.QueryAsync(factory, async db => (
            await db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.RefundedAmount).SingleAsync(),
            await db.InvoiceRefunds.CountAsync(r => r.InvoiceId == invoiceId),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvoiceRefunded && e.EntityId == invoiceId)));
        Assert.Equal((1000L, 1, 1), (refunded, refunds, audits));
    }

    [Theory]
    [InlineData(FailAt.Save)]
    [InlineData(FailAt.Commit)]
    public async Task An_accrual_that_fails_once_accrues_once(FailAt at)
    {
        var (partnerId, invoiceId, taskId) = await PaidSaleAsync();

        await FailingOnceAsync(at, AuditActions.PartnerEarningAccrued, async () =>
        {
            await RunAccrualAsync(taskId);
            return true;
        });

        var (earnings, audits, completed) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerEarnings.Where(e => e.InvoiceId == invoiceId && e.PartnerId == partnerId).Select(e => e.Id).ToListAsync(),
            await db.AuditEvents.Where(e => e.Action == AuditActions.PartnerEarningAccrued).Select(e => e.EntityId).ToListAsync(),
            await db.AccrualTasks.Where(t => t.Id == taskId).Select(t => t.CompletedAt).SingleAsync()));
        var earning = Assert.Single(earnings);
        Assert.Equal(1, audits.Count(id => id == earning));
        Assert.NotNull(completed);
    }

    [Theory]
    [InlineData(FailAt.Save)]
    [InlineData(FailAt.Commit)]
    public async Task A_payout_generation_that_fails_once_makes_one_payout(FailAt at)
    {
        var (partnerId, _, taskId) = await PaidSaleAsync();
        await RunAccrualAsync(taskId);
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);

        var generated = await FailingOnceAsync(at, AuditActions.PartnerPayoutGenerated, async () =>
            await (await admin.PostAsync($"/api/partners/{partnerId}/payouts/generate", null)).AssertJsonAsync(HttpStatusCode.Created));

        var payoutId = Assert.Single(generated.GetProperty("payouts").EnumerateArray()).GetProperty("id").GetGuid();
        var (payouts, audits, amount, net, unattached) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerPayouts.Where(p => p.PartnerId == partnerId).Select(p => p.Id).ToListAsync(),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.PartnerPayoutGenerated && e.EntityId == payoutId),
            await db.PartnerPayouts.Where(p => p.Id == payoutId).Select(p => p.Amount).SingleAsync(),
            await db.PartnerEarnings.Where(e => e.PayoutId == payoutId).SumAsync(e => e.PartnerNet),
            await db.PartnerEarnings.CountAsync(e => e.PartnerId == partnerId && e.PayoutId == null)));
        Assert.Equal([payoutId], payouts);
        Assert.Equal((1, net, 0), (audits, amount, unattached));
        Assert.True(amount > 0);
    }
}
