using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Security issue, item 9: no password reaches the log, at any level. Every entry is captured, Trace included,
/// while the demo data is seeded (with a password of this test's own) and while users sign in by form and by
/// token, fail to, and a reseller creates a tenant with its owner's password.
/// </summary>
public sealed class PasswordLogTests
{
    [Fact]
    public async Task No_password_is_logged_while_seeding_signing_in_and_creating_users()
    {
        var demoPassword = $"Seeded-{Guid.NewGuid():N}";
        var wrongPassword = $"Wrong-{Guid.NewGuid():N}";
        var ownerPassword = $"Owner-{Guid.NewGuid():N}";
        var logs = new CapturedLogs(LogLevel.Trace);
        await using var app = PartnerWebFactory.On(null, new Dictionary<string, string?>
        {
            ["Seed:DemoPassword"] = demoPassword,
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Trace",
        });
        await using var logged = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs)));

        using var browser = logged.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await CookieLogin.PostLoginAsync(browser, Demo.AcmeOwner, wrongPassword, await CookieLogin.AntiforgeryTokenAsync(browser))).StatusCode);
        await CookieLogin.SignInAsync(browser, Demo.AcmeOwner, demoPassword);

        using var api = logged.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsJsonAsync("/api/auth/token", new { email = Demo.UmbrellaOwner, password = wrongPassword })).StatusCode);
        var token = (await (await api.PostAsJsonAsync("/api/auth/token", new { email = Demo.UmbrellaOwner, password = demoPassword })).AssertJsonAsync(HttpStatusCode.OK))
            .GetProperty("accessToken").GetString();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await (await api.PostAsJsonAsync("/api/resellers/me/tenants", new { name = "Logged Tenant", ownerEmail = "owner@logged.example", ownerPassword }))
            .AssertJsonAsync(HttpStatusCode.Created);

        var entries = logs.Entries.ToList();
        Assert.Contains(entries, e => e.Message.StartsWith("Demo data ready.", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == LogLevel.Trace || e.Level == LogLevel.Debug);
        foreach (var password in new[] { demoPassword, wrongPassword, ownerPassword })
        {
            var leaks = entries.Where(e => e.Message.Contains(password) || e.Exception?.Contains(password) == true).ToList();
            Assert.True(leaks.Count == 0, $"{leaks.Count} entries hold a password, e.g. {string.Join(" | ", leaks.Take(3).Select(e => $"{e.Category}: {e.Message}"))}");
        }
    }
}
