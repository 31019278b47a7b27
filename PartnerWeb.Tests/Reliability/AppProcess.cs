using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Data.Sqlite;
using PartnerWeb.Data;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Reliability;

/// <summary>
/// The real PartnerWeb as a child process, started the way scripts/lib/server.sh starts it
/// (<c>dotnet PartnerWeb.dll</c> from the PartnerWeb folder, Production, demo data) on a SQLite file
/// or on a server database (<c>Database:Provider</c>, <c>ConnectionStrings:Default</c>); several
/// processes on one server database are several instances of one deployment.
/// <see cref="Kill"/> is kill -9 of the whole process tree: nothing is flushed, nothing shuts down.
/// Everything the app writes to stdout/stderr goes to <see cref="AppLog"/>.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly AppLog _log;

    private AppProcess(Process process, AppLog log, Uri baseAddress)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseAddress { get; }

    /// <summary>An anonymous client (webhooks, health).</summary>
    public HttpClient Http { get; }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The repository root: the first folder above the test binaries that holds PartnerWeb.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The PartnerWeb.dll built beside the PartnerWeb project for the configuration these tests were built in.</summary>
    public static string AppDll
    {
        get
        {
            var configuration = typeof(AppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            return Path.Combine(RepoRoot, "PartnerWeb", "bin", configuration, "net10.0", "PartnerWeb.dll");
        }
    }

    /// <summary>Starts the app on the SQLite file and waits until /healthz answers 200.</summary>
    public static Task<AppProcess> StartAsync(string databasePath, string webhookSecret, AppLog log,
        IReadOnlyDictionary<string, string>? settings = null, int timeoutSeconds = 60) =>
        StartAsync(DatabaseProvider.Sqlite, $"Data Source={databasePath}", webhookSecret, log, settings, timeoutSeconds);

    /// <summary>Starts the app on the provider's database (as the app reads it from the environment) and waits until /healthz answers 200.</summary>
    public static async Task<AppProcess> StartAsync(DatabaseProvider provider, string connectionString, string webhookSecret, AppLog log,
        IReadOnlyDictionary<string, string>? settings = null, int timeoutSeconds = 60)
    {
        Assert.True(File.Exists(AppDll), $"The app is not built: {AppDll} is missing (build PartnerWeb.sln first).");
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(RepoRoot, "PartnerWeb"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(AppDll);
        // The test host's own environment must not leak into the app.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        // Development: the demo data these runs sign in with is refused in any other environment (ProductionGuard).
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Seed__Demo"] = "true";
        info.Environment["Seed__DemoPassword"] = PartnerWebFactory.Password;
        info.Environment["Stripe__WebhookSecret"] = webhookSecret;
        info.Environment["Database__Provider"] = provider.ToString();
        info.Environment["ConnectionStrings__Default"] = connectionString;
        info.Environment["RateLimiting__PartnerWrites__PermitLimit"] = "100000";
        info.Environment["RateLimiting__Login__PermitLimit"] = "100000";
        info.Environment["RateLimiting__LoginPerIp__PermitLimit"] = "100000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;

        log.Line($"=== start: dotnet {AppDll} on {baseAddress} ===");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Line(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Line("[stderr] " + e.Data); };
        process.Exited += (_, _) => log.Line("=== process exited ===");
        Assert.True(process.Start(), "dotnet did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var app = new AppProcess(process, log, baseAddress);
        try
        {
            await app.WaitHealthyAsync(timeoutSeconds);
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private async Task WaitHealthyAsync(int timeoutSeconds)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                Assert.Fail($"The app exited with code {_process.ExitCode} before /healthz answered.\n{_log.Tail()}");
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Http.GetAsync("/healthz", probe.Token);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (OperationCanceledException) { }
            if (deadline.Elapsed.TotalSeconds > timeoutSeconds)
                Assert.Fail($"/healthz did not answer 200 within {timeoutSeconds} s.\n{_log.Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// kill -9: SIGKILL to the process and its children (<see cref="Process.Kill(bool)"/>), then waits
    /// until it is gone. On Linux the process is first frozen (<see cref="Freeze"/>), because Kill(true)
    /// walks the whole process table before it signals anything; frozen, the app does nothing more
    /// between the moment the test decides to kill and the SIGKILL.
    /// </summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        Freeze();
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _log.Line("=== killed -9 ===");
    }

    /// <summary>
    /// SIGSTOP (Linux only): every thread of the app stops where it is, holding what it holds, until it
    /// is killed. Waits until the kernel reports the process stopped; false where this is not possible.
    /// </summary>
    public bool Freeze()
    {
        if (!OperatingSystem.IsLinux() || _process.HasExited || SendSignal(_process.Id, SigStop) != 0) return false;
        var stat = $"/proc/{_process.Id}/stat";
        var waited = Stopwatch.StartNew();
        while (waited.ElapsedMilliseconds < 1000)
        {
            try
            {
                // "pid (comm) S ...": the state follows the closing parenthesis.
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].TrimStart()[0];
                if (state is 'T' or 't') return true;
            }
            catch (IOException)
            {
                return false;
            }
            Thread.Yield();
        }
        return false;
    }

    private const int SigStop = 19;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public static bool CanSeeSqliteLocks { get; } = File.Exists("/proc/locks");

    /// <summary>
    /// True while this process holds SQLite's WAL write lock, i.e. while one of its write transactions
    /// is open (BEGIN IMMEDIATE takes it, COMMIT/ROLLBACK release it). SQLite takes the lock as a POSIX
    /// lock on byte 120 of the -shm file, which Linux lists in /proc/locks; reading it does not touch
    /// the database. False where /proc/locks does not exist.
    /// </summary>
    public bool HoldsSqliteWriteLock()
    {
        if (!CanSeeSqliteLocks) return false;
        var pid = Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines("/proc/locks"))
        {
            // "7: POSIX  ADVISORY  WRITE 4242 fe:00:1234567 120 120"; blocked waiters have "->" after the number.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 8 && fields[1] == "POSIX" && fields[3] == "WRITE" && fields[4] == pid && fields[6] == "120" && fields[7] == "120")
                return true;
        }
        return false;
    }

    /// <summary>A bearer token for the user from POST /api/auth/token; it stays valid across restarts.</summary>
    public async Task<string> TokenAsync(string email, string password = PartnerWebFactory.Password)
    {
        var response = await Http.PostAsJsonAsync("/api/auth/token", new { email, password });
        return (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client of this process that sends the token.</summary>
    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        Http.Dispose();
        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PartnerWeb.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No PartnerWeb.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>The child processes' output, in a temp file; failures quote its tail.</summary>
public sealed class AppLog(string path)
{
    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public void Line(string text)
    {
        lock (_gate) File.AppendAllText(Path, text + Environment.NewLine);
    }

    public string Tail(int lines = 60)
    {
        string[] all;
        lock (_gate) all = File.Exists(Path) ? File.ReadAllLines(Path) : [];
        var tail = all.Skip(Math.Max(0, all.Length - lines));
        return $"--- last {Math.Min(lines, all.Length)} of {all.Length} lines of the app's log ---{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
    }
}

/// <summary>
/// Reads the app's SQLite file directly. Connections are not pooled, so none outlives its query: the
/// file is never held open by the test when the app is killed (closing the last connection to a WAL
/// database checkpoints it, which would tidy up the very crash state the restart must recover from).
/// </summary>
public sealed class SqliteFile(string path)
{
    public string Path { get; } = path;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = Open();
        return Scalar(connection, sql);
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A write beside the running app (what no API of the test's set-up offers); WAL lets both proceed.</summary>
    public int Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    public List<T> Rows<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    /// <summary>
    /// Copies the database, its WAL and shared-memory files as the killed process left them, and
    /// returns the copy; reading the copy never touches the crash state of the original.
    /// </summary>
    public SqliteFile Snapshot(string to)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(Path + suffix)) File.Copy(Path + suffix, to + suffix, overwrite: true);
        return new SqliteFile(to);
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(path + suffix)) File.Delete(path + suffix);
    }
}
