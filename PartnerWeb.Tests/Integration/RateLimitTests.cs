using System.Net;
using System.Net.Http.Json;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class LoginLimitFactory() : PartnerWebFactory(null, new Dictionary<string, string?>
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
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds is >= 1 and <= 60, $"Retry-After was '{retryAfter}'");

        // Another email from the same client has its own window.
        var other = await client.PostAsJsonAsync("/api/auth/token", new { email = Demo.GlobexOwner, password = PartnerWebFactory.Password });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
