using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Three app instances on one database file, as several instances on one server database: each limit
/// holds for them together, not per instance. They share one clock, held 45 seconds before the end of a
/// 60-second window.
/// </summary>
public sealed class SharedLimitTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(HeldClockFactory.MidWindow);
    private readonly List<HeldClockFactory> _instances = [];

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimiting:PartnerWrites:PermitLimit"] = "10",
            ["RateLimiting:Login:PermitLimit"] = "10",
        };
        // One at a time: the first migrates and seeds, the others start on what it made.
        for (var i = 0; i < 3; i++)
        {
            var instance = new HeldClockFactory(_path, settings, _clock);
            _ = instance.Server;
            _instances.Add(instance);
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        PartnerWebFactory.DeleteDatabaseFiles(_path);
    }

    [Fact]
    public async Task Thirty_partner_writes_by_one_user_over_three_instances_get_ten_answers_that_are_not_429()
    {
        var clients = await Task.WhenAll(_instances.Select(i => i.ClientAsAsync(Demo.GlobexOwner)));
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            AnswerAsync(clients[i % 3].PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Globex")))));

        // The first application is created, the others conflict: each write let through answers by itself.
        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(9, answers.Count(a => a.Status == HttpStatusCode.Conflict));
        Assert.Equal(20, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.TooManyRequests), a => Assert.Equal("45", a.RetryAfter));

        // Another user has a window of its own; the next window lets the first write again.
        using var acme = await _instances[2].ClientAsAsync(Demo.AcmeOwner);
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(acme.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application()))).Status);
        _clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(clients[1].PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Globex")))).Status);
        foreach (var client in clients) client.Dispose();
    }

    [Fact]
    public async Task Thirty_sign_in_attempts_for_one_email_over_three_instances_get_ten_answers_that_are_not_429()
    {
        var clients = _instances.Select(i => i.CreateApiClient()).ToList();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            AnswerAsync(clients[i % 3].PostAsJsonAsync("/api/auth/token", new { email = Demo.InitechOwner, password = "wrong" }))));

        Assert.Equal(10, answers.Count(a => a.Status == HttpStatusCode.Unauthorized));
        Assert.Equal(20, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.TooManyRequests), a => Assert.Equal("45", a.RetryAfter));
        foreach (var client in clients) client.Dispose();
    }

    private static async Task<(HttpStatusCode Status, string? RetryAfter)> AnswerAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return (response.StatusCode, response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null);
    }
}
