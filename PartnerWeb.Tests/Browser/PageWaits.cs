using Microsoft.Playwright;

namespace PartnerWeb.Tests.Browser;

public static class PageWaits
{
    /// <summary>
    /// Waits until the page has gone to <paramref name="url"/> and finished loading. The load is read from the page
    /// (<c>document.readyState</c>), not from Playwright's "load" event: on a busy CI machine that event once never
    /// reached the test although the page had loaded ("networkidle" fired, then a 45 s timeout).
    /// </summary>
    public static async Task WaitForPageAsync(this IPage page, string url)
    {
        await page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("document.readyState === 'complete'", null, new() { PollingInterval = 100 });
    }
}
