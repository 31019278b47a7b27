using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class DashboardPageTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private async Task<HttpClient> BrowserAsAsync(string email)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, email, PartnerWebFactory.Password);
        return client;
    }

    [Fact]
    public async Task Htmx_gets_the_fragment_and_a_reload_the_whole_page_with_the_same_rows()
    {
        await PartnerFlows.ApprovedPartnerAsync(factory, Demo.AcmeOwner);
        using var admin = await BrowserAsAsync(Demo.PlatformAdmin);

        var page = await admin.GetAsync("/dashboard/admin/partners");
        var pageHtml = await page.Content.ReadAsStringAsync();
        var fragmentRequest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/admin/partners");
        fragmentRequest.Headers.Add("HX-Request", "true");
        var fragment = await admin.SendAsync(fragmentRequest);
        var fragmentHtml = await fragment.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
        Assert.Contains("<html", pageHtml);
        Assert.DoesNotContain("<html", fragmentHtml);
        Assert.Contains("HX-Request", page.Headers.Vary);
        Assert.Contains("HX-Request", fragment.Headers.Vary);
        // The page embeds exactly the fragment (up to indentation and the per-render antiforgery token).
        static string Squeeze(string html) => System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]*\"", ""), @"\s+", " ").Trim();
        Assert.Contains(Squeeze(fragmentHtml), Squeeze(pageHtml));
        Assert.Contains("Partner of owner@acme.example", fragmentHtml);
    }

    [Fact]
    public async Task Money_is_shown_with_its_currency_decimals() =>
        Assert.Equal(("$129.00", "€9.99", "¥500", "KWD 1.250", "-$0.05"), (
            PartnerWeb.Infrastructure.MoneyFormat.Format(12900, "USD"),
            PartnerWeb.Infrastructure.MoneyFormat.Format(999, "EUR"),
            PartnerWeb.Infrastructure.MoneyFormat.Format(500, "JPY"),
            PartnerWeb.Infrastructure.MoneyFormat.Format(1250, "KWD"),
            PartnerWeb.Infrastructure.MoneyFormat.Format(-5, "USD")));

    [Fact]
    public async Task A_dashboard_post_without_antiforgery_token_is_400_and_changes_nothing()
    {
        using var globex = await BrowserAsAsync(Demo.GlobexOwner);
        var response = await globex.PostAsync("/dashboard/partners/apply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["DisplayName"] = "x", ["ContactEmail"] = "x@globex.example", ["Country"] = "US", ["PayoutMethod"] = "paypal", ["PayPalEmail"] = "payouts@globex.example",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var me = await (await factory.ClientAsAsync(Demo.GlobexOwner)).GetAsync("/api/partners/me");
        Assert.Equal(HttpStatusCode.NotFound, me.StatusCode);
    }
    [Fact]
    public async Task The_day_chart_has_a_slot_for_every_day_of_the_range_and_draws_negative_days_below_zero()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        const int days = 70;
        var last = DateTime.UtcNow.Date;
        var first = last.AddDays(-(days - 1));
        // Nine sales a week apart and one day whose net is negative: 10 entries over 70 days.
        var numbers = await LedgerSeed.EarningsAsync(factory, partnerId, Enumerable.Range(0, 10)
            .Select(i => (first.AddDays(i * 7 + 2).AddHours(12), "USD", i == 9 ? -300L : 100 + i)).ToArray());
        using var initech = await BrowserAsAsync(Demo.InitechOwner);

        var page = await initech.GetStringAsync($"/dashboard/partners?from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}");

        var chart = Regex.Match(page, "<svg viewBox=\"0 0 ([\\d.]+) [\\d.]+\"[^>]*Net earnings per day in USD[^>]*>(.*?)</svg>", RegexOptions.Singleline);
        Assert.True(chart.Success, "no USD day chart on the page");
        var bars = Regex.Matches(chart.Groups[2].Value, "<rect class=\"(bar[^\"]*)\" data-day=\"([\\d-]+)\" x=\"([\\d.]+)\" y=\"([\\d.]+)\" width=\"([\\d.]+)\" height=\"([\\d.]+)\"");
        Assert.Equal(Enumerable.Range(0, days).Select(i => first.AddDays(i).ToString("yyyy-MM-dd")), bars.Select(b => b.Groups[2].Value));
        Assert.Equal(days - 10, bars.Count(b => b.Groups[6].Value == "0"));
        Assert.Equal(first.AddDays(65).ToString("yyyy-MM-dd"), Assert.Single(bars, b => b.Groups[1].Value == "bar negative").Groups[2].Value);
        var right = bars.Max(b => double.Parse(b.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) + double.Parse(b.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(right <= double.Parse(chart.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), $"bars reach x = {right}, past the drawing's width");
        Assert.Contains("<text class=\"axis\"", chart.Groups[2].Value);
        Assert.Contains("-$3.00", chart.Groups[2].Value);
        Assert.DoesNotContain("style=", chart.Value);
        Assert.Contains("Net per day as a table", page);
        // The first page of rows (the latest entries) names their invoices, not an id prefix.
        Assert.Contains(numbers[^1], page);
        Assert.Contains("USD · 9 sales · 1 refund<", page);

        // Sixty more days before: longer than a quarter, so a week per slot, Monday to Sunday, with the same money.
        var longer = await initech.GetStringAsync($"/dashboard/partners?from={first.AddDays(-60):yyyy-MM-dd}&to={last:yyyy-MM-dd}");
        var weekly = Regex.Match(longer, "<svg [^>]*Net earnings per week in USD[^>]*>(.*?)</svg>", RegexOptions.Singleline);
        Assert.True(weekly.Success, "no USD week chart on the page");
        var weeks = Regex.Matches(weekly.Groups[1].Value, "data-day=\"([\\d-]+)\"[^>]*><title>([\\d-]+)(?: to ([\\d-]+))?: (-?)\\$([\\d.,]+)</title>");
        Assert.InRange(weeks.Count, 19, 20);
        Assert.All(weeks.Skip(1), w => Assert.Equal(DayOfWeek.Monday, DateOnly.Parse(w.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).DayOfWeek));
        Assert.Equal(9 * 100 + 36 - 300, weeks.Sum(w => (w.Groups[4].Value == "-" ? -1 : 1)
            * (long)(decimal.Parse(w.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture) * 100)));
        Assert.Contains("Net per week as a table", longer);
    }
}

public sealed class DashboardLoadMoreTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    [Fact]
    public async Task Load_more_appends_the_next_keyset_page_of_earnings_until_none_is_left()
    {
        var partnerId = await factory.AcmePartnerAsync();
        var itemId = await Flows.ItemIdAsync(factory, "Acme CRM Add-on");
        for (var i = 0; i < 25; i++) await PartnerFlows.SellAsync(factory, itemId, partnerId);
        using var acme = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(acme, Demo.AcmeOwner, PartnerWebFactory.Password);

        var page = await acme.GetStringAsync("/dashboard/partners");
        Assert.Equal(20, System.Text.RegularExpressions.Regex.Matches(page, "class=\"earning-row").Count);
        var row = System.Text.RegularExpressions.Regex.Match(page, "<tr class=\"earning-row.*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Matches("<td class=\"mono\">INV-\\d{8}-[0-9A-F]{10}</td>", row);
        Assert.Contains("<td>Acme CRM Add-on</td>", row);
        Assert.Contains("<td>sale</td>", row);
        var more = System.Text.RegularExpressions.Regex.Match(page, "hx-get=\"(/dashboard/partners/earnings\\?cursor=[^\"]+)\"");
        Assert.True(more.Success, "no load-more button");

        var request = new HttpRequestMessage(HttpMethod.Get, System.Net.WebUtility.HtmlDecode(more.Groups[1].Value));
        request.Headers.Add("HX-Request", "true");
        var rows = await (await acme.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(rows, "class=\"earning-row").Count);
        Assert.DoesNotContain("load-more-earnings", rows);
        Assert.DoesNotContain("<html", rows);
    }
}

public sealed class DashboardChartStartTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task Without_a_filter_the_chart_starts_at_the_first_day_with_entries_and_a_short_history_is_drawn_by_day()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // Last week's Monday and Wednesday: one week, two days, so a chart by week would put both nets on one bar.
        var monday = today.AddDays(-((int)today.DayOfWeek + 6) % 7 - 7);
        await LedgerSeed.EarningsAsync(factory, partnerId,
            (monday.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc), "USD", 100), (monday.AddDays(2).ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc), "USD", 7));
        using var initech = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(initech, Demo.InitechOwner, PartnerWebFactory.Password);

        var page = await initech.GetStringAsync("/dashboard/partners");

        var chart = Regex.Match(page, "<svg [^>]*Net earnings per day in USD, ([\\d-]+) to ([\\d-]+)\"[^>]*>(.*?)</svg>", RegexOptions.Singleline);
        Assert.True(chart.Success, "no USD day chart on the unfiltered page");
        Assert.Equal((monday.ToString("yyyy-MM-dd"), today.ToString("yyyy-MM-dd")), (chart.Groups[1].Value, chart.Groups[2].Value));
        var bars = Regex.Matches(chart.Groups[3].Value, "data-day=\"([\\d-]+)\"[^>]*><title>[\\d-]+: \\$([\\d.,]+)</title>")
            .ToDictionary(b => b.Groups[1].Value, b => b.Groups[2].Value);
        Assert.Equal(today.DayNumber - monday.DayNumber + 1, bars.Count);
        Assert.Equal(("1.00", "0.00", "0.07"), (bars[monday.ToString("yyyy-MM-dd")], bars[monday.AddDays(1).ToString("yyyy-MM-dd")], bars[monday.AddDays(2).ToString("yyyy-MM-dd")]));
    }
}

public sealed class DashboardChartCacheTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task A_sale_after_a_chart_was_drawn_is_on_the_next_one_and_an_unchanged_ledger_draws_the_same_chart()
    {
        var partnerId = await PartnerFlows.ApprovedPartnerAsync(factory, Demo.InitechOwner);
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        await LedgerSeed.EarningsAsync(factory, partnerId, (today.AddDays(-1).ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc), "USD", 100));
        using var initech = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(initech, Demo.InitechOwner, PartnerWebFactory.Password);

        // Unfiltered, the key's count comes from the page's totals; filtered, from a read of its own.
        var filtered = $"/dashboard/partners?from={today.AddDays(-1):yyyy-MM-dd}";
        var before = Bars(await initech.GetStringAsync("/dashboard/partners"));
        Assert.Equal(before, Bars(await initech.GetStringAsync("/dashboard/partners")));
        Assert.Equal(before, Bars(await initech.GetStringAsync(filtered)));
        await LedgerSeed.EarningsAsync(factory, partnerId, (today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), "USD", 5));
        var after = Bars(await initech.GetStringAsync("/dashboard/partners"));
        var afterFiltered = Bars(await initech.GetStringAsync(filtered));

        Assert.Equal(("1.00", "0.00"), (before[today.AddDays(-1).ToString("yyyy-MM-dd")], before[today.ToString("yyyy-MM-dd")]));
        Assert.Equal(("1.00", "0.05"), (after[today.AddDays(-1).ToString("yyyy-MM-dd")], after[today.ToString("yyyy-MM-dd")]));
        Assert.Equal(after, afterFiltered);
    }

    private static Dictionary<string, string> Bars(string page)
    {
        var chart = Regex.Match(page, "<svg [^>]*Net earnings per day in USD[^>]*>(.*?)</svg>", RegexOptions.Singleline);
        Assert.True(chart.Success, "no USD day chart on the page");
        return Regex.Matches(chart.Groups[1].Value, "data-day=\"([\\d-]+)\"[^>]*><title>[\\d-]+: \\$([\\d.,]+)</title>")
            .ToDictionary(b => b.Groups[1].Value, b => b.Groups[2].Value);
    }
}
