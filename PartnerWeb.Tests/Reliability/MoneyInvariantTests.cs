using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Tests.Infrastructure;
using PartnerWeb.Tests.Integration;

namespace PartnerWeb.Tests.Reliability;

/// <summary>Issue 7 item 6: the money invariants over many random cases (fixed seeds, so a failure reproduces).</summary>
public sealed class MoneyInvariantTests(UnlimitedPartnerWritesFactory factory) : IClassFixture<UnlimitedPartnerWritesFactory>
{
    private static readonly string[] CurrencyCodes = ["USD", "EUR", "JPY", "KWD", "GBP", "CLP", "BHD", "CHF"];

    [Fact]
    public void Commission_math_keeps_gross_equal_commission_plus_net_over_100000_random_invoices()
    {
        var random = new Random(20261124);
        const int cases = 100_000;
        long lines = 0;
        for (var i = 0; i < cases; i++)
        {
            var partners = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Guid.NewGuid()).ToArray();
            var invoiceLines = Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
            {
                var quantity = random.Next(1, 20);
                var unit = random.NextInt64(0, 10_000_000_000);
                var rule = random.Next(2) == 0
                    ? CommissionRule.OfPercent(random.Next(0, 10_001) / 100m)
                    : CommissionRule.OfFixed(random.NextInt64(0, unit * 2 + 1));
                return new EarningLine(partners[random.Next(partners.Length)], rule, unit * quantity, quantity);
            }).ToList();
            lines += invoiceLines.Count;
            var currency = CurrencyCodes[random.Next(CurrencyCodes.Length)];

            foreach (var line in invoiceLines)
            {
                var commission = CommissionCalculator.ForLine(line.Rule, line.Amount, line.Quantity);
                Assert.InRange(commission, 0, line.Amount);
            }
            var shares = CommissionCalculator.ForInvoice(invoiceLines);
            Assert.All(shares, s =>
            {
                Assert.Equal(s.Gross, s.Commission + s.Net);
                Assert.InRange(s.Commission, 0, s.Gross);
                Assert.Equal(s.Net, ParseFormatted(PartnerWeb.Infrastructure.MoneyFormat.Format(s.Net, currency), currency));
            });
            Assert.Equal(invoiceLines.Sum(l => l.Amount), shares.Sum(s => s.Gross));
            Assert.Equal(invoiceLines.Select(l => l.PartnerId).Distinct().Count(), shares.Count);
        }
        ReliabilityFigures.Record("Money invariants", $"{cases:N0} random invoices in {CurrencyCodes.Length} currencies ({lines:N0} lines, percent 0–100 with 2 decimals and fixed per-unit rules): gross = commission + net, 0 ≤ commission ≤ gross, and the displayed net reads back to the same minor units, every time");
    }

    /// <summary>"$1,234.50" or "KWD 1.250" back to minor units with the currency's decimals.</summary>
    private static long ParseFormatted(string text, string currency)
    {
        var number = new string(text.Where(c => char.IsDigit(c) || c == '.').ToArray());
        var value = decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Currencies.MinorDigits(currency); i++) value *= 10;
        return (long)value * (text.StartsWith('-') ? -1 : 1);
    }

    [Fact]
    public void Percentages_round_half_away_from_zero_within_half_a_minor_unit_over_100000_random_cases()
    {
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var amount = random.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
            var percent = random.Next(0, 10_001) / 100m;
            var exact = amount * percent / 100m;
            var rounded = Percentages.Of(amount, percent);
            Assert.True(Math.Abs(rounded - exact) <= 0.5m, $"{amount} × {percent}% → {rounded}, exact {exact}");
            if (Math.Abs(rounded - exact) == 0.5m) Assert.True(Math.Abs(rounded) > Math.Abs(exact), "midpoints go away from zero");
        }
        ReliabilityFigures.Record("Money invariants", "100,000 random (amount, percent) pairs: every result within half a minor unit of the exact value, midpoints away from zero");
    }

    [Fact]
    public async Task Racing_payout_generations_over_random_earnings_pay_out_exactly_the_attached_nets()
    {
        var partnerId = await factory.AcmePartnerAsync();
        var random = new Random(42);
        const int count = 3000;
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            // Earnings need distinct invoices (unique per partner); make cheap open invoices for them.
            var tenant = await db.Tenants.Where(t => t.Name == "Globex").Select(t => t.Id).SingleAsync();
            var now = DateTime.UtcNow;
            for (var i = 0; i < count; i++)
            {
                var invoiceId = Guid.CreateVersion7();
                var currency = CurrencyCodes[random.Next(CurrencyCodes.Length)];
                var gross = random.NextInt64(0, 1_000_000);
                var commission = CommissionCalculator.ForLine(CommissionRule.OfPercent(random.Next(0, 10_001) / 100m), gross, 1);
                db.Invoices.Add(new Invoice { Id = invoiceId, TenantId = tenant, Number = Invoice.NumberFor(invoiceId, now), Currency = currency, Total = gross, CreatedAt = now });
                db.PartnerEarnings.Add(new PartnerEarning
                {
                    Id = Guid.CreateVersion7(), PartnerId = partnerId, InvoiceId = invoiceId, Currency = currency,
                    GrossAmount = gross, CommissionAmount = commission, PartnerNet = gross - commission, CreatedAt = now,
                });
            }
            await db.SaveInTransactionAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            var partner = await scope.ServiceProvider.GetRequiredService<AppDbContext>().PartnerAccounts.AsNoTracking().SingleAsync(p => p.Id == partnerId);
            await scope.ServiceProvider.GetRequiredService<PayoutService>().GenerateForAsync(partner, CancellationToken.None);
        })));

        var (earnings, payouts) = await Flows.QueryAsync(factory, async db => (
            await db.PartnerEarnings.AsNoTracking().Where(e => e.PartnerId == partnerId).ToListAsync(),
            await db.PartnerPayouts.AsNoTracking().Where(p => p.PartnerId == partnerId).ToListAsync()));
        Assert.All(earnings, e => Assert.Equal(e.GrossAmount, e.CommissionAmount + e.PartnerNet));
        Assert.All(payouts, p => Assert.Equal(earnings.Where(e => e.PayoutId == p.Id).Sum(e => e.PartnerNet), p.Amount));
        Assert.All(payouts, p => Assert.All(earnings.Where(e => e.PayoutId == p.Id), e => Assert.Equal(p.Currency, e.Currency)));
        foreach (var currency in earnings.Select(e => e.Currency).Distinct())
        {
            var net = earnings.Where(e => e.Currency == currency).Sum(e => e.PartnerNet);
            Assert.Equal(net, payouts.Where(p => p.Currency == currency).Sum(p => p.Amount));
        }
        Assert.All(earnings.Where(e => e.PartnerNet > 0), e => Assert.NotNull(e.PayoutId));
        ReliabilityFigures.Record("Money invariants", $"{earnings.Count:N0} random earnings in {payouts.Select(p => p.Currency).Distinct().Count()} currencies, 5 racing payout generations: {payouts.Count} payouts, Σ payouts = Σ attached nets = {earnings.Sum(e => e.PartnerNet):N0} minor units, every earning in exactly one payout");
    }
}
