using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies named in
/// <c>ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR).
/// The login throttle keys on the client IP: a header believed from anyone would let a client pick the
/// IP it is counted under, to escape its own limit or to lock someone else out.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddPartnerWebForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, config) =>
        {
            // The defaults trust loopback: anything relaying connections on this machine (a tunnel, a port
            // forwarder) would let its clients name their own IP. A proxy here is listed as 127.0.0.1 like any other.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in List(config, "ForwardedHeaders:KnownProxies"))
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address : throw Invalid("KnownProxies", proxy, "an IP address"));
            foreach (var network in List(config, "ForwardedHeaders:KnownNetworks"))
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed : throw Invalid("KnownNetworks", network, "a CIDR network such as 10.0.0.0/8"));

            // With both lists empty the middleware would believe every sender, so then it reads nothing at all.
            o.ForwardedHeaders = o.KnownProxies.Count + o.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Every hop is checked against the lists, so the client is the first untrusted address from the
            // right however many trusted proxies forwarded it; what a client wrote further left is never reached.
            o.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>A JSON array, <c>__0</c>, <c>__1</c>… in the environment, or one comma-separated value.</summary>
    private static IEnumerable<string> List(IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var values = string.IsNullOrEmpty(section.Value) ? section.GetChildren().Select(c => c.Value ?? "") : section.Value.Split(',');
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"ForwardedHeaders:{key}: '{value}' is not {expected}.");
}
