using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace PartnerWeb.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=App_Data/partnerweb.db";

    public static IServiceCollection AddPartnerWebDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration("Database");
        services.AddOptions<SqliteWalOptions>().BindConfiguration("Database:Wal").ValidateDataAnnotations().ValidateOnStart();

        // Both contexts are registered; which one serves AppDbContext is read when first asked,
        // so configuration supplied late (tests, environment) still decides. The options are built once
        // (singleton), not per request: building them reads the connection string, resolves the SQLite path
        // and makes EF Core look its internal services up again, a tenth of a small API request's CPU.
        // A list in a query (ids.Contains(x.Id)) goes as one parameter: SQLite's json_each, PostgreSQL's = ANY. EF Core 10's
        // default, a parameter per element, makes EF Core build the statement's SQL again on every run (it cannot cache
        // SQL whose text depends on a list's length): about 30 % of the partner dashboard's CPU. SQL Server keeps the
        // default, whose OPENJSON alternative hides the list's length from its planner.
        services.AddDbContext<SqliteAppDbContext>((sp, o) => o.FailuresAsWarnings()
            .UseSqlite(SqliteConnectionString(sp), sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).AddInterceptors(AppendOnlyAudit.Instance, SqliteWriteGate.Instance, SqliteConnectionSettings.Instance),
            optionsLifetime: ServiceLifetime.Singleton);
        // Server databases retry transient failures (a deadlock victim, a failover): every write runs in
        // UnitOfWork, which re-runs its whole transaction on a clean change tracker.
        services.AddDbContext<SqlServerAppDbContext>((sp, o) => o.FailuresAsWarnings()
            .UseSqlServer(ConnectionString(sp), sql => sql.EnableRetryOnFailure()).AddInterceptors(AppendOnlyAudit.Instance),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddDbContext<PostgreSqlAppDbContext>((sp, o) => o.FailuresAsWarnings()
            .UseNpgsql(ConnectionString(sp), npgsql => npgsql.EnableRetryOnFailure().UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).AddInterceptors(AppendOnlyAudit.Instance),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddScoped<AppDbContext>(sp => Provider(sp) switch
        {
            DatabaseProvider.SqlServer => sp.GetRequiredService<SqlServerAppDbContext>(),
            DatabaseProvider.PostgreSql => sp.GetRequiredService<PostgreSqlAppDbContext>(),
            _ => sp.GetRequiredService<SqliteAppDbContext>(),
        });
        services.AddHostedService<SqliteCheckpointer>();
        return services;
    }

    /// <summary>
    /// A failed statement reaches the code that ran it as an exception, and that code decides whether it is
    /// an error: a key lost to a concurrent duplicate (a Stripe event delivered twice at once) is routine and
    /// answered "duplicate"; what nobody handles is logged at Error by the request's error handling or the
    /// job server. EF Core's own entries for the same failure are kept, as warnings.
    /// </summary>
    private static DbContextOptionsBuilder FailuresAsWarnings(this DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log(
            (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Warning),
            (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Warning)));

    public static DatabaseProvider Provider(IServiceProvider sp) =>
        sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.Provider;

    public static string ConnectionString(IServiceProvider sp) =>
        sp.GetRequiredService<IConfiguration>().GetConnectionString("Default") ?? DefaultSqlite;

    /// <summary>A relative SQLite path is taken from the content root, and its folder is created.</summary>
    internal static string SqliteConnectionString(IServiceProvider sp)
    {
        var builder = new SqliteConnectionStringBuilder(ConnectionString(sp));
        if (builder.DataSource is not (":memory:" or "") && builder.Mode != SqliteOpenMode.Memory)
        {
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            builder.DataSource = Path.GetFullPath(builder.DataSource, root);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        return builder.ToString();
    }

    /// <summary>Applies pending migrations for the configured provider; SQLite is switched to WAL.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // journal_mode is persistent in the file, so once per start is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }
}
