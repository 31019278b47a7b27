using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class LoginLimitFactory() : HeldClockFactory(null, new Dictionary<string, string?>
{
    ["RateLimiting:Login:PermitLimit"] = "3",
    ["RateLimiting:Login:WindowSeconds"] = "60",
});

public sealed class RateLimitTests(LoginLimitFactory factory) : IClassFixture<LoginLimitFactory>
{
    [Fact]
    public async Task Login_is_limited_per_ip_and_email_with_an_integer_retry_after()
    {
        using var client = factory.CreateApiClient();
        for (var i = 0; i < 3; i++)
        {
            var allowed = await client.PostAsJsonAsync("/api/auth/token", new { email = Demo.InitechOwner, password = "wrong" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        // The right password does not get around the limit either.
        var limited = await client.PostAsJsonAsync("/api/auth/token", new { email = Demo.InitechOwner.ToUpperInvariant(), password = PartnerWebFactory.Password });
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        // Whole seconds to the end of the window: the clock is held 45 seconds before it.
        Assert.Equal("45", Assert.Single(limited.Headers.GetValues("Retry-After")));

        // Another email from the same client has its own window.
        var other = await client.PostAsJsonAsync("/api/auth/token", new { email = Demo.GlobexOwner, password = PartnerWebFactory.Password });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}

public sealed class RateLimitFailureTests
{
    [Fact]
    public async Task When_the_database_cannot_count_partner_writes_proceed_and_sign_in_is_refused()
    {
        await using var app = PartnerWebFactory.On(null);
        using var globex = await app.ClientAsAsync(Demo.GlobexOwner);
        await Flows.QueryAsync(app, db => db.Database.ExecuteSqlRawAsync("DROP TABLE \"RateLimitWindows\""));

        // Open: the write is decided on its own merits.
        await (await globex.PostAsJsonAsync("/api/partners/apply", PartnerFlows.Application("Globex"))).AssertJsonAsync(HttpStatusCode.Created);

        // Shut: no password is checked for an attempt that was not counted, not even the right one.
        using var anonymous = app.CreateApiClient();
        var refused = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = Demo.GlobexOwner, password = PartnerWebFactory.Password });
        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", Assert.Single(refused.Headers.GetValues("Retry-After")));
    }
}
