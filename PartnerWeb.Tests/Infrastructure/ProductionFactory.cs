using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// The app as a production deployment runs it: the Production environment, reached over https at a host that
/// is not localhost (HSTS leaves localhost alone), with what ProductionGuard asks for: no demo seed at start-up,
/// the test webhook secrets, and unprotected keys allowed explicitly unless a test names a certificate.
/// The demo users are added after start-up (<see cref="SeedDemoAsync"/>), as a seed script would.
/// </summary>
public sealed class ProductionFactory : PartnerWebFactory, IAsyncLifetime
{
    public static readonly Uri Https = new("https://partnerweb.example");

    public ProductionFactory() : this(null, null) { }

    private ProductionFactory(string? databasePath, IReadOnlyDictionary<string, string?>? settings)
        : base(databasePath, WithProduction(settings))
    {
        ClientOptions.BaseAddress = Https;
    }

    /// <summary>An app in Production on the given database file (null: its own) with these settings on top.</summary>
    public static ProductionFactory Create(string? databasePath, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(databasePath, settings);

    public static Dictionary<string, string?> WithProduction(IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Seed:Demo"] = "false",
            ["DataProtection:AllowUnprotectedKeys"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return all;
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed, https.</summary>
    public HttpClient Browser(Uri? baseAddress = null) =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = baseAddress ?? Https });

    public async Task SeedDemoAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
    }

    Task IAsyncLifetime.InitializeAsync() => SeedDemoAsync();

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}
