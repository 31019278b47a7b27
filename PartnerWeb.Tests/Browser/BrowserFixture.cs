using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Browser;

/// <summary>
/// The app on real Kestrel (a fresh SQLite file) and Debian's Chromium driven by Playwright.
/// Playwright downloads no browser here; a missing /usr/bin/chromium fails the tests, it does not skip them.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public PartnerWebFactory App { get; private set; } = null!;

    /// <summary>The app's settings; a fixture that puts a fake service beside the app adds its own.</summary>
    protected virtual Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["RateLimiting:PartnerWrites:PermitLimit"] = "10000",
    });

    public string BaseUrl { get; private set; } = "";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = PartnerWebFactory.On(null, await SettingsAsync());
        var port = FreePort();
        App.UseKestrel(port);
        App.StartServer();
        BaseUrl = $"http://127.0.0.1:{port}";
        App.ClientOptions.BaseAddress = new Uri(BaseUrl);

        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium.");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>What Chromium reported the Content-Security-Policy blocked, on any page of a context made by <see cref="SignInAsync"/>.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> CspViolations { get; } = new();

    /// <summary>Hangfire's layout links an empty data: favicon (no request, no picture): refusing it changes nothing.</summary>
    private static bool HangfireFavicon(string text) => text.Contains("'data:image/x-icon;,'", StringComparison.Ordinal);

    public void AssertNothingBlocked() =>
        Assert.True(CspViolations.IsEmpty, "Blocked by the Content-Security-Policy: " + string.Join(" | ", CspViolations));

    /// <summary>A new browser context signed in through the login form, in a desktop window unless a width is given.</summary>
    public async Task<IPage> SignInAsync(string email, string password = PartnerWebFactory.Password, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });
        // Generous: on CI the browser shares two cores with the integration tests running beside it, and a
        // first page load has been seen to take over 15 s there. A real failure still fails, only later.
        context.SetDefaultTimeout(45_000);
        context.SetDefaultNavigationTimeout(45_000);
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal) && !HangfireFavicon(message.Text))
                CspViolations.Enqueue($"{message.Page?.Url}: {message.Text}");
        };
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#Email", email);
        await page.FillAsync("#Password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForPageAsync(BaseUrl + "/");
        return page;
    }

    /// <summary>
    /// Where the tests save screenshots: the folder in <c>PARTNERWEB_SCREENSHOTS</c> (scripts/screenshots.sh
    /// points it at reports/screenshots), else a temporary folder, so a test run changes no tracked file.
    /// </summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("PARTNERWEB_SCREENSHOTS") is { Length: > 0 } chosen
            ? chosen
            : Path.Combine(Path.GetTempPath(), "partnerweb-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    /// <summary>Nothing wider than the window: a phone-sized page must not scroll sideways.</summary>
    public static async Task AssertFitsTheWidthAsync(IPage page)
    {
        var (content, viewport) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
        Assert.True(content <= viewport, $"{page.Url} is {content} px wide in a {viewport} px window");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
