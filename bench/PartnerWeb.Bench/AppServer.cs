using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PartnerWeb.Bench;

/// <summary>
/// The app as its own process (Release build, Production environment), configured through the
/// environment like scripts/lib/server.sh does. Its peak resident set is read from /proc.
/// </summary>
internal sealed class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly CancellationTokenSource _sampling = new();
    private readonly Task _sampler;
    private long _sampledPeakKb;

    public string BaseUrl { get; }
    public int Pid => _process.Id;

    private AppServer(Process process, StreamWriter log, string baseUrl)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        _sampler = Task.Run(SampleAsync);
    }

    public static async Task<AppServer> StartAsync(BenchSettings settings, BenchDb database, string logPath)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [settings.AppDll])
        {
            WorkingDirectory = settings.AppContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        // Development: the demo data the benchmark signs in with is refused in any other environment.
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["Seed__Demo"] = "true";
        env["Stripe__WebhookSecret"] = settings.WebhookSecret;
        env["Database__Provider"] = database.AppProvider;
        env["ConnectionStrings__Default"] = database.AppConnectionString;
        // The benchmark signs in and generates payouts more often than the production limits allow.
        env["RateLimiting__Login__PermitLimit"] = "100000";
        env["RateLimiting__PartnerWrites__PermitLimit"] = "100000";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // For experiments: BENCH_APP_<name>=<value> reaches the app as <name>=<value> (the report lists them).
        foreach (var (name, value) in settings.AppOverrides) env[name] = value;

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AppServer(process, log, $"http://127.0.0.1:{port}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited) break;
            try
            {
                if ((await http.GetAsync(server.BaseUrl + "/healthz")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"The app did not start; see {logPath}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>VmHWM: the process's peak resident set since it started, in MiB.</summary>
    public double PeakRssMb => Math.Max(ReadStatusKb("VmHWM"), Interlocked.Read(ref _sampledPeakKb)) / 1024.0;

    public double RssMb => ReadStatusKb("VmRSS") / 1024.0;

    /// <summary>CPU time the server has used so far (user + system, from /proc/PID/stat, 10 ms resolution).</summary>
    public double CpuSeconds
    {
        get
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name; clock ticks of 1/100 s.
                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException)
            {
                return double.NaN;
            }
        }
    }

    /// <summary>Peak of VmRSS sampled every 20 ms since the last reset (for one phase).</summary>
    public double PhasePeakRssMb => Interlocked.Read(ref _phasePeakKb) / 1024.0;

    private long _phasePeakKb;

    public void ResetPhasePeak() => Interlocked.Exchange(ref _phasePeakKb, ReadStatusKb("VmRSS"));

    private async Task SampleAsync()
    {
        while (!_sampling.IsCancellationRequested)
        {
            var kb = ReadStatusKb("VmRSS");
            if (kb > Interlocked.Read(ref _sampledPeakKb)) Interlocked.Exchange(ref _sampledPeakKb, kb);
            if (kb > Interlocked.Read(ref _phasePeakKb)) Interlocked.Exchange(ref _phasePeakKb, kb);
            try
            {
                await Task.Delay(20, _sampling.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private long ReadStatusKb(string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
                var digits = new string(line.Where(char.IsDigit).ToArray());
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>SIGTERM (a graceful stop, as a service manager would), then SIGKILL after 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sampling.CancelAsync();
        await _sampler;
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
        _sampling.Dispose();
    }
}

/// <summary>
/// Several app instances on one database, started one after the other (the first migrates and seeds it), as
/// scripts/lib/server.sh would run them behind a load balancer. CPU is summed over them, peak RSS is the largest.
/// </summary>
internal sealed class AppServers : IAsyncDisposable
{
    private readonly List<AppServer> _servers = [];

    public IReadOnlyList<AppServer> All => _servers;

    public static async Task<AppServers> StartAsync(BenchSettings settings, BenchDb database, Func<int, string> logPath, int count)
    {
        var group = new AppServers();
        try
        {
            for (var i = 0; i < count; i++) group._servers.Add(await AppServer.StartAsync(settings, database, logPath(i)));
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    public double CpuSeconds => _servers.Sum(s => s.CpuSeconds);
    public double RssMb => _servers.Sum(s => s.RssMb);
    public double PeakRssMb => _servers.Max(s => s.PeakRssMb);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
    }
}
