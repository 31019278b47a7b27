using PartnerWeb.Infrastructure;
using Microsoft.Playwright;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;
using static PartnerWeb.Tests.Browser.BrowserFixture;

namespace PartnerWeb.Tests.Browser;

/// <summary>Issue 18: the operator generates, approves and pays a partner's earnings from the payouts queue, on a desktop and a phone.</summary>
public sealed class OperatorPayoutsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_operator_generates_approves_and_pays_from_the_queue_and_a_missing_reference_keeps_the_selection()
    {
        // Acme sold its add-on once (30% commission leaves it $90.30); Initech waits on two euro payouts and is owed nothing new.
        var acme = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.AcmeOwner);
        var initech = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.InitechOwner);
        using (var api = await browser.App.ClientAsAsync(Demo.PlatformAdmin))
        {
            var itemId = await Flows.ItemIdAsync(browser.App, "Acme CRM Add-on");
            await PartnerFlows.CreateListingAsync(api, acme, itemId, "percent", 30m);
            await PartnerFlows.SellAsync(browser.App, itemId, acme);
        }
        await PartnerFlows.InsertPayoutsAsync(browser.App, initech, "EUR", PayoutStatus.Owed, 12_000, 4_550);

        var admin = await browser.SignInAsync(Demo.PlatformAdmin);
        var confirms = new List<string>();
        admin.Dialog += async (_, dialog) =>
        {
            confirms.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await admin.GotoAsync("/dashboard/admin/payouts");
        await Assertions.Expect(admin.Locator("#payout-totals .queue-total[data-status=owed][data-currency=EUR] .queue-total-amount")).ToHaveTextAsync("€165.50");

        await admin.ClickAsync("button:has-text('Generate for all approved partners')");
        await Assertions.Expect(admin.Locator("#payout-run")).ToContainTextAsync("Created: 1 USD payout ($90.30)");
        await Assertions.Expect(admin.Locator("#payout-run .nothing-owed")).ToContainTextAsync("Partner of owner@initech.example");
        Assert.Equal("Generate payouts for all approved partners, from everything each is owed now?", Assert.Single(confirms));
        var row = admin.Locator("tr.queued", new() { HasText = "Partner of owner@acme.example" });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("owed");
        await Assertions.Expect(row).ToContainTextAsync("$90.30");

        await row.Locator("input[name=ids]").CheckAsync();
        await admin.ClickAsync("button:has-text('Approve selected')");
        await Assertions.Expect(admin.Locator("#payout-outcomes")).ToContainTextAsync("1 of 1 approved.");
        Assert.Equal("Approve 1 payout of $90.30?", confirms[^1]);
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("approved");
        await Assertions.Expect(admin.Locator("#payout-totals .queue-total[data-status=approved][data-currency=USD] .queue-total-amount")).ToHaveTextAsync("$90.30");
        // Caret left as it is: hiding it, Playwright leaves style="" on the inputs, which htmx would copy onto the
        // next swap's #payout-reference, an inline style the Content-Security-Policy refuses.
        await admin.ScreenshotAsync(new() { Path = ScreenshotPath("admin-payouts.png"), FullPage = true, Caret = ScreenshotCaret.Initial });

        // No reference: the form comes back with the payout still ticked and the message beside the field.
        await row.Locator("input[name=ids]").CheckAsync();
        await admin.ClickAsync("button:has-text('Mark selected paid')");
        await Assertions.Expect(admin.Locator(".mark-paid .field-error")).ToHaveTextAsync(PaymentReferenceAttribute.Missing);
        await Assertions.Expect(row.Locator("input[name=ids]")).ToBeCheckedAsync();
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("approved");

        // With it, the payout is paid and leaves the queue (Enter in the field marks paid, not approves).
        await admin.FillAsync("#payout-reference", "SEPA-4711");
        await admin.PressAsync("#payout-reference", "Enter");
        await Assertions.Expect(admin.Locator("#payout-outcomes")).ToContainTextAsync("1 of 1 paid.");
        Assert.Equal("Mark paid 1 payout of $90.30?", confirms[^1]);
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(admin.Locator("#payout-totals .queue-total[data-status=approved][data-currency=USD]")).ToHaveCountAsync(0);

        // The partner's page shows it paid, with the reference.
        await admin.GotoAsync($"/dashboard/admin/partners/{acme}");
        await Assertions.Expect(admin.Locator("#payouts tbody tr .badge")).ToHaveTextAsync("paid");
        await Assertions.Expect(admin.Locator("#payouts tbody tr")).ToContainTextAsync("SEPA-4711");
        browser.AssertNothingBlocked();
    }

    [Fact]
    public async Task At_390_px_the_queue_fits_and_its_actions_are_reachable()
    {
        var partner = await PartnerFlows.ApprovedPartnerAsync(browser.App, Demo.GlobexOwner);
        await Flows.QueryAsync(browser.App, db =>
        {
            db.PartnerPayouts.Add(new PartnerPayout
            {
                Id = Guid.CreateVersion7(), PartnerId = partner, Currency = "USD", Amount = 123_456, Status = PayoutStatus.Failed,
                PayoutMethod = "stripe_connect", PayoutDetails = """{"method":"stripe_connect"}""", CreatedAt = DateTime.UtcNow,
                FailureMessage = "Your destination account needs to have at least one of the following capabilities enabled: transfers",
            });
            return db.SaveChangesAsync();
        });
        var phone = await browser.SignInAsync(Demo.PlatformAdmin, width: 390, height: 844);

        await phone.GotoAsync("/dashboard/admin/payouts");
        await Assertions.Expect(phone.Locator("tr.queued", new() { HasText = "Partner of owner@globex.example" })).ToHaveCountAsync(1);
        await AssertFitsTheWidthAsync(phone);
        foreach (var name in new[] { "Generate for all approved partners", "Approve selected", "Send selected with Stripe", "Mark selected paid" })
        {
            var button = phone.Locator($"button:has-text('{name}')");
            await button.ScrollIntoViewIfNeededAsync();
            await Assertions.Expect(button).ToBeInViewportAsync();
        }
        await phone.ScreenshotAsync(new() { Path = ScreenshotPath("admin-payouts-mobile.png"), FullPage = true });
        browser.AssertNothingBlocked();
    }
}
