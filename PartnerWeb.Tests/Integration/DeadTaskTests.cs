using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Partners;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>The partner accrual, with a switch that makes it fail as a poison invoice would.</summary>
public sealed class SwitchablePartnerAccrual(PartnerEarningsAccrual inner, PoisonSwitch poison) : IAccrual
{
    public AccrualKind Kind => inner.Kind;

    public Task<Action> PrepareAsync(IReadOnlyList<Invoice> invoices, CancellationToken ct) =>
        poison.On ? throw new InvalidOperationException("poisoned for the test") : inner.PrepareAsync(invoices, ct);

    public Task ReverseAsync(Invoice invoice, InvoiceRefund refund, CancellationToken ct) => inner.ReverseAsync(invoice, refund, ct);
}

public sealed class PoisonSwitch
{
    public volatile bool On;
}

/// <summary>Issue 14, item 4: a task that keeps failing stops at Jobs:MaxAttempts, waits for an admin, and completes once retried.</summary>
public sealed class DeadTaskTests(DeadTaskTests.PoisonFactory factory) : IClassFixture<DeadTaskTests.PoisonFactory>
{
    private const int MaxAttempts = 3;

    public sealed class PoisonFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
    {
        ["Jobs:MaxAttempts"] = MaxAttempts.ToString(),
        ["Jobs:ReconcileGraceSeconds"] = "0",
        // Only the test runs the reconcile, so it counts the attempts.
        ["Jobs:ReconcileCron"] = "0 0 1 1 *",
    })
    {
        public PoisonSwitch Poison { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            services.AddSingleton(Poison);
            services.AddScoped<PartnerEarningsAccrual>();
            var partner = services.Single(d => d.ServiceType == typeof(IAccrual) && d.ImplementationType == typeof(PartnerEarningsAccrual));
            services.Remove(partner);
            services.AddScoped<IAccrual, SwitchablePartnerAccrual>();
        }
    }

    [Fact]
    public async Task A_poison_task_dies_after_MaxAttempts_and_completes_exactly_once_when_retried()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using var acme = await factory.ClientAsAsync(Demo.AcmeOwner);
        await PartnerFlows.CreateListingAsync(acme, partnerId, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"));
        using var buyer = await factory.ClientAsAsync(Demo.GlobexOwner);
        var invoiceId = await Flows.InstallAsync(buyer, await Flows.ItemIdAsync(factory, "Acme CRM Add-on"));
        using var admin = await factory.ClientAsAsync(Demo.PlatformAdmin);

        factory.Poison.On = true;
        await (await admin.PostAsJsonAsync($"/api/billing/invoices/{invoiceId}/mark-paid", new { })).AssertJsonAsync(HttpStatusCode.OK);
        var task = await PartnerTaskAsync(invoiceId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (attempt > 1) Assert.Equal(1, await ReconcileAsync());
            await Flows.EventuallyAsync(async () => (await TaskAsync(task.Id)).Attempts == attempt, $"failed run {attempt}");
        }
        var dead = await TaskAsync(task.Id);
        Assert.NotNull(dead.DeadAt);
        Assert.Null(dead.CompletedAt);
        Assert.Contains("poisoned for the test", dead.LastError);
        Assert.Equal(0, await ReconcileAsync());

        var listed = await (await admin.GetAsync("/api/admin/dead-tasks")).AssertJsonAsync(HttpStatusCode.OK);
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(task.Id, item.GetProperty("id").GetGuid());
        Assert.Equal(MaxAttempts, item.GetProperty("attempts").GetInt32());
        Assert.Equal("partner", item.GetProperty("kind").GetString());
        Assert.Equal(1, await AuditCountAsync(AuditActions.AccrualTaskDead, task.Id));

        factory.Poison.On = false;
        await (await admin.PostAsync($"/api/admin/dead-tasks/{task.Id}/retry", null)).AssertJsonAsync(HttpStatusCode.OK);
        await PartnerFlows.EarningExistsAsync(factory, invoiceId, partnerId);
        await Flows.EventuallyAsync(async () => (await TaskAsync(task.Id)).CompletedAt is not null, "the retried task to complete");
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.PartnerEarnings.CountAsync(e => e.InvoiceId == invoiceId)));
        Assert.Equal(1, await AuditCountAsync(AuditActions.AccrualTaskRetried, task.Id));
        Assert.Empty((await (await admin.GetAsync("/api/admin/dead-tasks")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        await (await admin.PostAsync($"/api/admin/dead-tasks/{task.Id}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/admin/dead-tasks/{Guid.NewGuid()}/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Demo.PlatformStaff)]
    [InlineData(Demo.AcmeOwner)]
    public async Task Only_platform_admins_see_or_retry_dead_tasks(string email)
    {
        using var client = await factory.ClientAsAsync(email);
        await (await client.GetAsync("/api/admin/dead-tasks")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsync($"/api/admin/dead-tasks/{Guid.NewGuid()}/retry", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    private Task<AccrualTask> PartnerTaskAsync(Guid invoiceId) =>
        Flows.QueryAsync(factory, db => db.AccrualTasks.AsNoTracking().SingleAsync(t => t.InvoiceId == invoiceId && t.Kind == AccrualKind.Partner));

    private Task<AccrualTask> TaskAsync(Guid id) => Flows.QueryAsync(factory, db => db.AccrualTasks.AsNoTracking().SingleAsync(t => t.Id == id));

    private Task<int> AuditCountAsync(string action, Guid entityId) =>
        Flows.QueryAsync(factory, db => db.AuditEvents.CountAsync(a => a.Action == action && a.EntityId == entityId));

    private async Task<int> ReconcileAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReconcileAccrualsJob>().RunAsync(CancellationToken.None);
    }
}
