using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class TokenLifetimeTests
{
    private sealed class FakeClockFactory(string? path = null) : PartnerWebFactory(path)
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task A_token_stays_valid_across_an_app_restart()
    {
        var path = Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
        string token;
        // The first app must be fully stopped before the second opens the same file.
        await using (var first = PartnerWebFactory.On(path))
        {
            token = await first.TokenAsync(Demo.GlobexOwner);
        }
        using var cleanup = new DeleteOnDispose(path);
        await using var second = PartnerWebFactory.On(path);
        using var client = second.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await (await client.GetAsync("/api/auth/me")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(Demo.GlobexOwner, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        await using var factory = new FakeClockFactory();
        using var client = await factory.ClientAsAsync(Demo.GlobexOwner);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
