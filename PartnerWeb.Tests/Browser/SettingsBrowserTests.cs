using Microsoft.Playwright;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>Issue item 1: an owner manages the tenant's users and changes their password on a phone-sized screen.</summary>
public sealed class SettingsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task At_390_px_an_owner_adds_changes_and_removes_a_user_then_changes_their_password_and_stays_signed_in()
    {
        const string member = "new.member@initech.example";
        const string newPassword = "Initech-owner-own!1";
        var page = await browser.SignInAsync(Demo.InitechOwner, width: 390, height: 844);

        await page.ClickAsync("nav a:has-text('Users')");
        await page.WaitForPageAsync("**/settings/users");
        await Assertions.Expect(page.Locator("#users tbody tr", new() { HasText = Demo.InitechOwner })).ToHaveCountAsync(1);
        await page.EvaluateAsync("window.__noReload = true");

        await page.FillAsync("#Email", member);
        await page.SelectOptionAsync("#Role", "admin");
        await page.FillAsync("#Password", "Initech-member!1");
        await page.ClickAsync("button:has-text('Add user')");
        await Assertions.Expect(page.Locator("#users .notice")).ToContainTextAsync($"{member} was added");
        var row = page.Locator("#users tbody tr", new() { HasText = member });
        await Assertions.Expect(row.Locator("select[name=role]")).ToHaveValueAsync("admin");
        await AssertFitsTheWidthAsync(page);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("settings-users-mobile.png"), FullPage = true });

        await row.Locator("select[name=role]").SelectOptionAsync("staff");
        await row.Locator("button:has-text('Change')").ClickAsync();
        await Assertions.Expect(page.Locator("#users .notice")).ToContainTextAsync($"{member} is now staff");

        // Removing asks first; dismissing keeps the user, accepting removes them.
        var accept = false;
        var asked = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Message);
            if (accept) await dialog.AcceptAsync(); else await dialog.DismissAsync();
        };
        await page.Locator("#users tbody tr", new() { HasText = member }).Locator("button:has-text('Remove')").ClickAsync();
        await Assertions.Expect(page.Locator("#users tbody tr", new() { HasText = member })).ToHaveCountAsync(1);
        Assert.Contains(member, Assert.Single(asked));
        accept = true;
        await page.Locator("#users tbody tr", new() { HasText = member }).Locator("button:has-text('Remove')").ClickAsync();
        await Assertions.Expect(page.Locator("#users .notice")).ToContainTextAsync($"{member} was removed");
        await Assertions.Expect(page.Locator("#users tbody tr", new() { HasText = member })).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("window.__noReload === true"), "the actions must swap the section, not reload the page");

        await page.ClickAsync("nav a:has-text('Password')");
        await page.WaitForPageAsync("**/settings/password");
        await page.FillAsync("#CurrentPassword", PartnerWebFactory.Password);
        await page.FillAsync("#NewPassword", newPassword);
        await page.ClickAsync("button:has-text('Change password')");
        await Assertions.Expect(page.Locator("#password .notice")).ToContainTextAsync("Your password was changed");
        await AssertFitsTheWidthAsync(page);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("settings-password-mobile.png"), FullPage = true });

        // The cookie was issued again: the next page is still signed in.
        await page.ClickAsync("#password a:has-text('Continue')");
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync(Demo.InitechOwner);
        var again = await browser.SignInAsync(Demo.InitechOwner, newPassword, width: 390, height: 844);
        await Assertions.Expect(again.Locator(".who")).ToContainTextAsync(Demo.InitechOwner);
    }
}
