using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerWeb.Auth;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Admin;
using PartnerWeb.Features.Audit;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// SQL Server cannot run here, so the statements the code sends it are captured (no server is reached)
/// and parsed as T-SQL: every conditional update, delete and raw statement of the write paths. The same
/// statements run for real on SQLite and PostgreSQL in the integration suites.
/// </summary>
public sealed class SqlServerStatementTests
{
    private readonly SqlServerStatements _statements = new();

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(TimeProvider.System, IdOrder.SqlServer));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<AppDbContext>(_ => _statements.Context());
        services.AddScoped<AuditLog>();
        services.AddSingleton(Options.Create(new JobsOptions()));
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_failed_accrual_run_counts_and_kills_tasks_in_valid_TSql()
    {
        await using var services = Services();
        await new AccrualFailures(services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System,
            Options.Create(new JobsOptions()), NullLogger<AccrualFailures>.Instance).RecordAsync([Guid.NewGuid()], new InvalidOperationException("x"), default);
        AssertValidTSql(expectUpdates: 1);
    }

    [Fact]
    public async Task Reviving_a_dead_task_is_valid_TSql()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await DeadTaskService.ReviveAsync(db, Guid.NewGuid(), default);
        AssertValidTSql(expectUpdates: 1);
    }

    [Fact]
    public async Task Purging_rate_limit_windows_and_counting_an_attempt_are_valid_TSql()
    {
        await using var db = _statements.Context();
        await new PurgeRateLimitWindowsJob(db, TimeProvider.System).RunAsync(default);
        _ = await RateLimitWindowSql.Increment(db.Database, "key", DateTime.UtcNow).ToListAsync();
        AssertValidTSql(expectUpdates: 0);
        Assert.Contains(_statements.Captured, s => s.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(_statements.Captured, s => s.Contains("MERGE", StringComparison.Ordinal));
    }

    [Fact]
    public void The_TSql_check_can_fail()
    {
        _statements.Captured.Add("UPDATE [AccrualTasks] SET [Attempts] = [Attempts] + 1 WHERE [Id] IN (");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertValidTSql(expectUpdates: 0));
    }

    private void AssertValidTSql(int expectUpdates)
    {
        Assert.NotEmpty(_statements.Captured);
        Assert.True(_statements.Captured.Count(s => s.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)) >= expectUpdates,
            string.Join(Environment.NewLine + "--" + Environment.NewLine, _statements.Captured));
        foreach (var sql in _statements.Captured) TSql.AssertParses(sql);
    }
}
