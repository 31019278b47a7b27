using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class BehindProxyFactory() : HeldClockFactory(null, new Dictionary<string, string?>
{
    ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.1",
    ["ForwardedHeaders:KnownNetworks"] = "10.8.0.0/16, fd00::/8",
    ["RateLimiting:Login:PermitLimit"] = "2",
    ["RateLimiting:Login:WindowSeconds"] = "60",
});

/// <summary>
/// The login throttle keys on the client IP, so these tests read which IP the app believes through it:
/// two attempts are allowed per IP + email, the third is 429.
/// </summary>
public sealed class ForwardedHeadersTests(BehindProxyFactory factory) : IClassFixture<BehindProxyFactory>
{
    [Fact]
    public async Task A_client_not_behind_a_known_proxy_can_neither_escape_nor_target_by_spoofing()
    {
        // Another forwarded address on every attempt: still counted under its own IP.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "203.0.113.5", "198.51.100.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "203.0.113.5", "198.51.100.8"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(factory, "203.0.113.5", "198.51.100.9"));

        // The addresses it named were not counted.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "198.51.100.7", null));

        // Loopback is not trusted either: the defaults' loopback proxy was cleared.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "127.0.0.1", "198.51.100.20"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "127.0.0.1", "198.51.100.21"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(factory, "127.0.0.1", "198.51.100.22"));
    }

    [Fact]
    public async Task Behind_a_known_proxy_or_network_the_forwarded_client_is_the_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "10.0.0.1", "198.51.100.30"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "10.8.4.2", "198.51.100.30"));
        // The same client reaching the app directly is in the same window.
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(factory, "198.51.100.30", null));

        // The proxy's own address is not the key: another client through it has a window of its own.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "10.0.0.1", "198.51.100.31"));

        // What the client wrote left of what the proxy appended is not believed.
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(factory, "10.0.0.1", "192.0.2.99, 198.51.100.30"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "192.0.2.99", null));

        // A chain of two trusted hops (IPv6 network) still ends at the client.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "fd00::5", "198.51.100.32, 10.0.0.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(factory, "198.51.100.32", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(factory, "198.51.100.32", null));
    }

    [Fact]
    public async Task Without_known_proxies_no_forwarded_header_is_believed()
    {
        await using var app = new HeldClockFactory(null, new Dictionary<string, string?> { ["RateLimiting:Login:PermitLimit"] = "2" });
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, "10.0.0.1", "198.51.100.40"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, "10.0.0.1", "198.51.100.41"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(app, "10.0.0.1", "198.51.100.42"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, "198.51.100.40", null));
    }

    /// <summary>A wrong-password login as it reaches the app from <paramref name="remoteIp"/>.</summary>
    private static async Task<HttpStatusCode> LoginAsync(PartnerWebFactory app, string remoteIp, string? forwardedFor)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/auth/token";
            c.Request.ContentType = "application/json";
            if (forwardedFor is not null) c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            c.Request.Body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { email = Demo.InitechOwner, password = "wrong" }));
        });
        return (HttpStatusCode)context.Response.StatusCode;
    }
}
