using System.Diagnostics;
using System.Net;

namespace PartnerWeb.Bench;

internal sealed record LoadResult(int Requests, int Errors, double Seconds, double[] LatenciesMs, TimeSpan FirstAck, TimeSpan LastAck, string? FirstError)
{
    public double PerSecond => (Requests - Errors) / Seconds;
    public double P50 => Stats.Percentile(LatenciesMs, 50);
    public double P95 => Stats.Percentile(LatenciesMs, 95);
    public double P99 => Stats.Percentile(LatenciesMs, 99);
}

/// <summary>
/// A closed-loop load driver: <c>concurrency</c> tasks, each with its own keep-alive connection,
/// send the next request as soon as the previous answer is read. Latency is measured per request
/// with a Stopwatch from just before sending to the end of the body.
/// </summary>
internal static class Load
{
    public static HttpClient Client(int connections, CookieContainer? cookies = null) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = cookies is not null,
        CookieContainer = cookies ?? new CookieContainer(),
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <param name="make">builds request number i (0-based)</param>
    /// <param name="ok">whether a response (status and body) counts as acknowledged</param>
    public static async Task<LoadResult> RunAsync(
        HttpClient http, int concurrency, int count, Func<int, HttpRequestMessage> make, Func<HttpStatusCode, string, bool> ok,
        TimeSpan? maxDuration = null)
    {
        var next = -1;
        var errors = 0;
        string? firstError = null;
        var latencies = new List<double>[concurrency];
        long firstAck = long.MaxValue, lastAck = 0;
        var clock = Stopwatch.StartNew();
        var limit = maxDuration ?? TimeSpan.MaxValue;

        async Task Worker(int w)
        {
            var mine = latencies[w] = new List<double>(count / concurrency + 1);
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count || clock.Elapsed > limit) return;
                using var request = make(i);
                var started = Stopwatch.GetTimestamp();
                bool good;
                string detail;
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    var body = await response.Content.ReadAsStringAsync();
                    good = ok(response.StatusCode, body);
                    detail = $"{(int)response.StatusCode} {body[..Math.Min(200, body.Length)]}";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    good = false;
                    detail = ex.GetType().Name + ": " + ex.Message;
                }
                var elapsed = Stopwatch.GetElapsedTime(started);
                mine.Add(elapsed.TotalMilliseconds);
                if (good)
                {
                    var at = clock.ElapsedTicks;
                    InterlockedMin(ref firstAck, at);
                    InterlockedMax(ref lastAck, at);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, detail, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        return new LoadResult(all.Length, errors, seconds, all,
            firstAck == long.MaxValue ? TimeSpan.Zero : TimeSpan.FromSeconds(firstAck / (double)Stopwatch.Frequency),
            TimeSpan.FromSeconds(lastAck / (double)Stopwatch.Frequency), firstError);
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long seen;
        while (value < (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
