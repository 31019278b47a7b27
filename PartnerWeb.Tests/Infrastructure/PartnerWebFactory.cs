using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// The real app on a fresh database with the demo data: a SQLite file, or a database of its own on the
/// server <see cref="TestDatabase"/> names. One per test class (IClassFixture), so classes never share rows.
/// </summary>
public class PartnerWebFactory : WebApplicationFactory<Program>
{
    public const string Password = "Demo!2345";
    public const string WebhookSecret = "whsec_test_partnerweb_secret";
    public const string ConnectWebhookSecret = "whsec_test_partnerweb_connect_secret";

    public PartnerWebFactory() : this(null) { }

    /// <summary>An app on a given database file (to restart on it) or with extra settings.</summary>
    public static PartnerWebFactory On(string? databasePath, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(databasePath, settings);

    protected PartnerWebFactory(string? databasePath, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _ownsDatabase = databasePath is null;
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        Settings = settings ?? new Dictionary<string, string?>();
    }

    private readonly bool _ownsDatabase;

    public string DatabasePath { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Extra service replacements a test class needs (a fake clock, a test controller).</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services) { }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development, as on a developer's machine: outside it the app refuses demo data (ProductionGuard) and
        // sends its cookies over https only. A test of production behaviour sets ["environment"] = "Production".
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", Settings.GetValueOrDefault("Database:Provider") ?? TestDatabase.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Default", Settings.GetValueOrDefault("ConnectionStrings:Default") ?? TestDatabase.ConnectionString(DatabasePath));
        builder.UseSetting("Seed:Demo", "true");
        builder.UseSetting("Seed:DemoPassword", Password);
        builder.UseSetting("Stripe:WebhookSecret", WebhookSecret);
        builder.UseSetting("Stripe:ConnectWebhookSecret", ConnectWebhookSecret);
        // Tests sign in far more often than people; the limit itself is tested with its own settings.
        builder.UseSetting("RateLimiting:Login:PermitLimit", "10000");
        builder.UseSetting("RateLimiting:LoginPerIp:PermitLimit", "10000");
        builder.UseSetting("Auth:Lockout:FreeFailures", "10000");
        builder.UseSetting("Auth:Lockout:Threshold", "10001");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(ConfigureTestServices);
    }

    public HttpClient CreateApiClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<string>> _tokens = new();

    /// <summary>A token for the user, issued once per app and reused.</summary>
    public Task<string> TokenAsync(string email) => _tokens.GetOrAdd(email, IssueTokenAsync);

    /// <summary>After the user signed out (which revokes every token of theirs), the next call issues a new one.</summary>
    public void ForgetToken(string email) => _tokens.TryRemove(email, out _);

    private async Task<string> IssueTokenAsync(string email)
    {
        using var client = CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client that calls the API as the given demo user.</summary>
    public async Task<HttpClient> ClientAsAsync(string email)
    {
        var client = CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(email));
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDatabase) DeleteDatabaseFiles(DatabasePath);
    }

    public static void DeleteDatabaseFiles(string path) => TestDatabase.Delete(path);
}

public static class Demo
{
    public const string PlatformOwner = "owner@platform.example";
    public const string PlatformAdmin = "admin@platform.example";
    public const string PlatformStaff = "staff@platform.example";
    public const string AcmeOwner = "owner@acme.example";
    public const string AcmeAdmin = "admin@acme.example";
    public const string AcmeStaff = "staff@acme.example";
    public const string InitechOwner = "owner@initech.example";
    public const string GlobexOwner = "owner@globex.example";
    public const string GlobexStaff = "staff@globex.example";
    public const string UmbrellaOwner = "owner@umbrella.example";
}

/// <summary>Removes a database the test named itself (by its file path), once every app on it is gone.</summary>
public sealed class DeleteOnDispose(string path) : IDisposable
{
    public void Dispose() => PartnerWebFactory.DeleteDatabaseFiles(path);
}
