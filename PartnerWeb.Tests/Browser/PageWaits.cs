using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PartnerWeb.Tests.Browser;

public static class PageWaits
{
    /// <summary>
    /// Waits until the page is at <paramref name="url"/> (a glob: <c>**</c> any text, <c>*</c> any text without a
    /// slash) and has finished loading. Both are read from the page, the URL by polling and the load from
    /// <c>document.readyState</c>, not from Playwright's load-state events: on a busy CI machine
    /// <c>WaitForURLAsync</c> once waited 45 s for a "load" event although the page had loaded ("networkidle" had
    /// fired), and a wait until "commit" hangs the same way when the navigation committed before the call.
    /// </summary>
    public static async Task WaitForPageAsync(this IPage page, string url)
    {
        await Assertions.Expect(page).ToHaveURLAsync(Glob(url), new() { Timeout = 45_000 });
        await page.WaitForFunctionAsync("document.readyState === 'complete'", null, new() { PollingInterval = 100 });
    }

    private static Regex Glob(string glob) => new("^" + string.Join(".*",
        glob.Split("**").Select(part => string.Join("[^/]*", part.Split('*').Select(Regex.Escape)))) + "$");
}
