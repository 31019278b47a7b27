using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// The sign-in limits that do not depend on the email and client together: per client IP across all emails,
/// and per email (backoff, then lockout) across all IPs. Each test has an app of its own, since it moves the clock.
/// Lockout here: 3 free failures, then 2 s, 4 s, and from the 6th failure 15 minutes.
/// </summary>
public sealed class LoginThrottleTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["RateLimiting:LoginPerIp:PermitLimit"] = "30",
        ["RateLimiting:LoginPerIp:WindowSeconds"] = "60",
        ["Auth:Lockout:FreeFailures"] = "3",
        ["Auth:Lockout:BaseDelaySeconds"] = "2",
        ["Auth:Lockout:MaxDelaySeconds"] = "8",
        ["Auth:Lockout:Threshold"] = "6",
        ["Auth:Lockout:LockoutMinutes"] = "15",
        ["Auth:Lockout:ResetAfterMinutes"] = "60",
    };

    private static HeldClockFactory App(string? path = null, FakeTimeProvider? clock = null) => new(path, Settings, clock);

    [Fact]
    public async Task Forty_wrong_emails_from_one_ip_get_429_after_thirty()
    {
        await using var app = App();
        var answers = new List<Answer>();
        for (var i = 0; i < 40; i++) answers.Add(await TokenAsync(app, "203.0.113.10", $"guess{i}@initech.example", "wrong"));

        Assert.All(answers.Take(30), a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.All(answers.Skip(30), a => Assert.Equal((HttpStatusCode.TooManyRequests, "45"), (a.Status, a.RetryAfter)));
        // The right password of a real account from that IP waits too; another IP is not affected.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(app, "203.0.113.10", Demo.GlobexOwner, PartnerWebFactory.Password)).Status);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(app, "203.0.113.11", Demo.GlobexOwner, PartnerWebFactory.Password)).Status);

        // An IPv6 client is counted by its /64: new addresses in it buy no new budget.
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(app, $"2001:db8:1:2::{i + 1:x}", $"v6-{i}@initech.example", "wrong")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(app, "2001:db8:1:2:ffff::1", "v6-x@initech.example", "wrong")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(app, "2001:db8:1:3::1", "v6-x@initech.example", "wrong")).Status);

        // The next window lets the first IP try again.
        app.Clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(app, "203.0.113.10", Demo.GlobexOwner, PartnerWebFactory.Password)).Status);
    }

    [Fact]
    public async Task One_account_attacked_from_many_ips_backs_off_then_locks_and_the_owner_gets_in_after_the_lockout()
    {
        await using var app = App();
        var ip = 0;
        Task<Answer> Attempt(string password) => TokenAsync(app, $"198.51.100.{++ip}", Demo.InitechOwner, password);

        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("wrong")).Status);
        // 4 failures: 2 s to wait, and in that time not even the right password is checked.
        Assert.Equal((HttpStatusCode.TooManyRequests, "2"), Brief(await Attempt(PartnerWebFactory.Password)));
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((HttpStatusCode.TooManyRequests, "1"), Brief(await Attempt("wrong")));
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("wrong")).Status);
        // 5 failures: 4 s (doubled).
        Assert.Equal((HttpStatusCode.TooManyRequests, "4"), Brief(await Attempt("wrong")));
        app.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("wrong")).Status);
        // 6 failures: locked for 15 minutes.
        Assert.Equal((HttpStatusCode.TooManyRequests, "900"), Brief(await Attempt(PartnerWebFactory.Password)));
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal((HttpStatusCode.TooManyRequests, "60"), Brief(await Attempt(PartnerWebFactory.Password)));
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // The lockout has ended: the owner signs in, and that forgets the failures.
        Assert.Equal(HttpStatusCode.OK, (await Attempt(PartnerWebFactory.Password)).Status);
        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("wrong")).Status);
        Assert.Equal((HttpStatusCode.TooManyRequests, "2"), Brief(await Attempt("wrong")));
    }

    [Fact]
    public async Task A_sign_in_after_the_backoff_works_and_failures_are_forgotten_after_an_hour_without_one()
    {
        await using var app = App();
        for (var i = 0; i < 4; i++) await TokenAsync(app, "192.0.2.1", Demo.GlobexOwner, "wrong");
        Assert.Equal((HttpStatusCode.TooManyRequests, "2"), Brief(await TokenAsync(app, "192.0.2.1", Demo.GlobexOwner, PartnerWebFactory.Password)));
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(app, "192.0.2.1", Demo.GlobexOwner, PartnerWebFactory.Password)).Status);
        Assert.Empty(await Flows.QueryAsync(app, db => db.LoginFailures.ToListAsync()));

        // Four failures, then an hour without one: the count starts again from one.
        for (var i = 0; i < 4; i++) await TokenAsync(app, "192.0.2.2", Demo.AcmeOwner, "wrong");
        app.Clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(app, "192.0.2.3", Demo.AcmeOwner, "wrong")).Status);
        Assert.Equal(1, Assert.Single(await Flows.QueryAsync(app, db => db.LoginFailures.ToListAsync())).Failures);
    }

    [Fact]
    public async Task A_known_and_an_unknown_email_get_identical_answers_at_every_step()
    {
        await using var app = App();
        var steps = new List<(Answer Known, Answer Unknown)>();
        async Task StepAsync(int i)
        {
            var known = await TokenAsync(app, $"198.51.100.{i}", Demo.InitechOwner, "wrong");
            var unknown = await TokenAsync(app, $"203.0.113.{i}", "nobody@initech.example", "wrong");
            steps.Add((known, unknown));
        }
        for (var i = 1; i <= 5; i++) await StepAsync(i);
        app.Clock.Advance(TimeSpan.FromSeconds(4));
        for (var i = 6; i <= 7; i++) await StepAsync(i);
        app.Clock.Advance(TimeSpan.FromSeconds(4));
        for (var i = 8; i <= 9; i++) await StepAsync(i);

        // Free failures, the backoff, then the lockout: the unknown email goes through each one alike.
        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
             HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests,
             HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            steps.Select(s => s.Known.Status));
        foreach (var (known, unknown) in steps)
        {
            Assert.Equal(known.Status, unknown.Status);
            Assert.Equal(known.Headers, unknown.Headers);
            Assert.Equal(known.Body, unknown.Body);
        }
        Assert.Equal("Too many login attempts.", JsonNode.Parse(steps[^1].Unknown.Body)!["title"]!.GetValue<string>());
        Assert.Contains("retry-after: 900", steps[^1].Unknown.Headers);
    }

    [Fact]
    public async Task The_login_page_refuses_a_locked_email_with_the_same_message_and_retry_after()
    {
        await using var app = App();
        // Six failures, waiting out the backoff between them.
        for (var i = 0; i < 6; i++)
        {
            if (i >= 4) app.Clock.Advance(TimeSpan.FromSeconds(i == 4 ? 2 : 4));
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(app, $"198.51.100.{i + 1}", Demo.InitechOwner, "wrong")).Status);
        }
        var api = await TokenAsync(app, "198.51.100.50", Demo.InitechOwner, PartnerWebFactory.Password);
        Assert.Equal((HttpStatusCode.TooManyRequests, "900"), Brief(api));

        using var browser = app.CreateClient();
        var page = await CookieLogin.PostLoginAsync(browser, Demo.InitechOwner, PartnerWebFactory.Password, await CookieLogin.AntiforgeryTokenAsync(browser));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal("900", Assert.Single(page.Headers.GetValues("Retry-After")));
        var title = JsonNode.Parse(api.Body)!["title"]!.GetValue<string>();
        Assert.Contains($"{title} Try again in 900 seconds.", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task When_the_database_cannot_count_failures_sign_in_is_refused()
    {
        await using var app = App();
        await Flows.QueryAsync(app, db => db.Database.ExecuteSqlRawAsync("DROP TABLE \"LoginFailures\""));
        var refused = await TokenAsync(app, "192.0.2.9", Demo.GlobexOwner, PartnerWebFactory.Password);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "5"), Brief(refused));
    }

    /// <summary>
    /// Two instances on one database and one clock: failures counted on either lock the email on both, and
    /// twenty wrong passwords sent at once over both get exactly as many password checks as the rule allows
    /// (three free, the fourth starts the backoff), since each check needs the count the one before left.
    /// </summary>
    [Fact]
    public async Task The_lockout_holds_across_two_instances_even_for_attempts_sent_at_once()
    {
        var path = Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
        using var cleanup = new DeleteOnDispose(path);
        var clock = new FakeTimeProvider(HeldClockFactory.MidWindow);
        await using var first = App(path, clock);
        _ = first.Server;
        await using var second = App(path, clock);
        HeldClockFactory[] instances = [first, second];

        var burst = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            TokenAsync(instances[i % 2], $"198.51.100.{i}", Demo.InitechOwner, "wrong")));
        Assert.Equal(4, burst.Count(a => a.Status == HttpStatusCode.Unauthorized));
        Assert.Equal(16, burst.Count(a => a.Status == HttpStatusCode.TooManyRequests));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(first, "198.51.100.30", Demo.InitechOwner, "wrong")).Status);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(second, "198.51.100.31", Demo.InitechOwner, "wrong")).Status);
        // Six failures, counted on both instances: locked on both.
        Assert.Equal((HttpStatusCode.TooManyRequests, "900"), Brief(await TokenAsync(first, "198.51.100.32", Demo.InitechOwner, PartnerWebFactory.Password)));
        Assert.Equal((HttpStatusCode.TooManyRequests, "900"), Brief(await TokenAsync(second, "198.51.100.33", Demo.InitechOwner, PartnerWebFactory.Password)));
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(second, "198.51.100.34", Demo.InitechOwner, PartnerWebFactory.Password)).Status);
    }

    public sealed record Answer(HttpStatusCode Status, string? RetryAfter, string Headers, string Body);

    private static (HttpStatusCode, string?) Brief(Answer answer) => (answer.Status, answer.RetryAfter);

    /// <summary>A token request as it reaches the app from <paramref name="clientIp"/>; the body without its trace id.</summary>
    private static async Task<Answer> TokenAsync(PartnerWebFactory app, string clientIp, string email, string password)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(clientIp);
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/auth/token";
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { email, password }));
        });
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        if (context.Response.StatusCode != StatusCodes.Status200OK && JsonNode.Parse(body) is JsonObject problem)
        {
            problem.Remove("traceId");
            body = problem.ToJsonString();
        }
        var headers = string.Join("\n", context.Response.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .Select(h => $"{h.Key.ToLowerInvariant()}: {h.Value}"));
        return new Answer((HttpStatusCode)context.Response.StatusCode,
            context.Response.Headers.RetryAfter is { Count: > 0 } retry ? retry.ToString() : null, headers, body);
    }
}
