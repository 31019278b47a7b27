using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerWeb.Infrastructure;
using PartnerWeb.Tests.Infrastructure;
using PartnerWeb.Tests.Reliability;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Security issue, items 3 and 9: outside Development the app does not start with the development webhook
/// secrets, with demo data, or with a key ring in the clear unless that is asked for (then it warns); with a
/// certificate the stored keys are encrypted, and another instance with the certificate reads them.
/// </summary>
public sealed class ProductionGuardTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("partnerweb-guard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The message start-up failed with, whatever wraps it on its way out of the host.</summary>
    private static async Task<string> StartupFailureAsync(IReadOnlyDictionary<string, string?> settings)
    {
        await using var app = ProductionFactory.Create(null, settings);
        var thrown = Record.Exception(() => app.Services);
        Assert.True(thrown is not null, "the app started");
        var messages = new List<string>();
        for (var e = thrown; e is not null; e = e.InnerException) messages.Add(e.Message);
        return string.Join(" | ", messages);
    }

    [Fact]
    public async Task The_development_webhook_secrets_stop_start_up()
    {
        var failure = await StartupFailureAsync(new Dictionary<string, string?> { ["Stripe:WebhookSecret"] = ProductionGuard.DevelopmentWebhookSecret });
        Assert.Contains("will not start in the Production environment", failure);
        Assert.Contains("Stripe:WebhookSecret is the development secret", failure);
        Assert.DoesNotContain("Seed:Demo", failure);

        failure = await StartupFailureAsync(new Dictionary<string, string?> { ["Stripe:ConnectWebhookSecret"] = ProductionGuard.DevelopmentConnectWebhookSecret });
        Assert.Contains("Stripe:ConnectWebhookSecret is the development secret", failure);
    }

    [Fact]
    public async Task Demo_data_stops_start_up_in_any_environment_but_development()
    {
        Assert.Contains("Seed:Demo is true", await StartupFailureAsync(new Dictionary<string, string?> { ["Seed:Demo"] = "true" }));
        Assert.Contains("Seed:Demo is true", await StartupFailureAsync(new Dictionary<string, string?> { ["Seed:Demo"] = "true", ["environment"] = "Staging" }));
    }

    [Fact]
    public async Task Unprotected_keys_stop_start_up_unless_allowed_explicitly_and_then_it_warns()
    {
        var failure = await StartupFailureAsync(new Dictionary<string, string?> { ["DataProtection:AllowUnprotectedKeys"] = "false" });
        Assert.Contains("key ring would be stored unencrypted", failure);
        Assert.Contains("DataProtection:CertificatePath", failure);

        var logs = new CapturedLogs();
        await using var app = ProductionFactory.Create(null);
        await using var logged = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        using var client = logged.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("stored unencrypted (DataProtection:AllowUnprotectedKeys=true)"));
    }

    [Fact]
    public void The_guard_knows_the_secrets_development_really_uses()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppProcess.RepoRoot, "PartnerWeb", "appsettings.Development.json")));
        var stripe = settings.RootElement.GetProperty("Stripe");
        Assert.Equal(ProductionGuard.DevelopmentWebhookSecret, stripe.GetProperty("WebhookSecret").GetString());
        Assert.Equal(ProductionGuard.DevelopmentConnectWebhookSecret, stripe.GetProperty("ConnectWebhookSecret").GetString());
    }

    private string Certificate(string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PartnerWeb key ring (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_folder, "keyring.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_another_instance_reads_them()
    {
        var settings = new Dictionary<string, string?>
        {
            ["DataProtection:AllowUnprotectedKeys"] = "false",
            ["DataProtection:CertificatePath"] = Certificate("pfx-password"),
            ["DataProtection:CertificatePassword"] = "pfx-password",
        };
        var database = Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
        using var cleanup = new DeleteOnDispose(database);

        string token;
        await using (var first = ProductionFactory.Create(database, settings))
        {
            await first.SeedDemoAsync();
            token = await first.TokenAsync(Demo.AcmeOwner);
            var keys = await Flows.QueryAsync(first, db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("<EncryptedData", xml);
                Assert.DoesNotContain("<masterKey", xml);
            });
        }

        await using var second = ProductionFactory.Create(database, settings);
        using var client = second.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_certificate_that_does_not_open_stops_start_up_with_its_key_named()
    {
        var path = Certificate("right");
        var failure = await StartupFailureAsync(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = "wrong",
        });
        Assert.Contains($"DataProtection:CertificatePath: '{path}' is not a PKCS#12 file that DataProtection:CertificatePassword opens", failure);

        failure = await StartupFailureAsync(new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = Path.Combine(_folder, "missing.pfx") });
        Assert.Contains("DataProtection:CertificatePath: no file at", failure);
    }
}
