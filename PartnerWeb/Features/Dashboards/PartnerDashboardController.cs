using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>Partner self-service (spec §10). Every action goes through the services the API uses.</summary>
[Authorize(Policies.TenantAdmin)]
[Route("dashboard/partners")]
[OneDbConnection]
public sealed class PartnerDashboardController(
    PartnerAccountService accounts, ListingService listings, DashboardSections sections, StatementService statements) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? from, string? to, CancellationToken ct) =>
        View("PartnerDashboard", await DashboardAsync(null, from, to, ct));

    [HttpPost("apply")]
    [PartnerWriteLimit]
    public async Task<IActionResult> Apply(ApplyForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return Dashboard(await DashboardAsync(new ApplyFormModel(form, ModelErrors()), null, null, ct), StatusCodes.Status400BadRequest);
        var result = await accounts.ApplyAsync(new ApplyRequest
        {
            DisplayName = form.DisplayName, ContactEmail = form.ContactEmail, Country = form.Country,
            PayoutPreferences = JsonSerializer.SerializeToElement(new { method = form.PayoutMethod!.Trim(), account = form.PayoutAccount?.Trim() }),
        }, ct);
        if (!result.IsSuccess)
            return Dashboard(await DashboardAsync(new ApplyFormModel(form, FormErrors.From(result.Error!)), null, null, ct), result.Error!.Status);
        return Request.IsHtmx() ? Dashboard(await DashboardAsync(null, null, null, ct), StatusCodes.Status200OK) : RedirectToAction(nameof(Index));
    }

    [HttpPost("listings")]
    [PartnerWriteLimit]
    public async Task<IActionResult> CreateListing(Guid marketplaceItemId, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner) return NotFound();
        var result = await listings.CreateAsync(partner.Id, new CreateListingRequest { MarketplaceItemId = marketplaceItemId }, ct);
        return await ListingsAsync(partner, result.Error, ct);
    }

    [HttpPost("listings/{listingId:guid}/status")]
    public async Task<IActionResult> SetListingStatus(Guid listingId, ListingStatus status, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner) return NotFound();
        var result = await listings.UpdateAsync(partner.Id, listingId, new UpdateListingRequest { Status = status }, ct);
        return await ListingsAsync(partner, result.Error, ct);
    }

    [HttpGet("earnings")]
    public async Task<IActionResult> Earnings(string? from, string? to, string? cursor, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner) return NotFound();
        var model = await sections.EarningsAsync(partner, from, to, cursor, isAdmin: false, ct);
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Index), new { from, to });
        return cursor is null ? this.Fragment("_Earnings", model) : this.Fragment("_EarningRows", new EarningRowsModel(model));
    }

    [HttpGet("earnings.csv")]
    public async Task<IActionResult> EarningsCsv(string? from, string? to, CancellationToken ct) =>
        (await statements.MyEarningsAsync(new EarningsQuery { From = from, To = to }, ct)).Value is { } csv ? csv : NotFound();

    [HttpGet("payouts/{payoutId:guid}/statement.csv")]
    public async Task<IActionResult> PayoutStatement(Guid payoutId, CancellationToken ct) =>
        await MineAsync(ct) is { } partner && (await statements.PayoutAsync(partner.Id, payoutId, ct)).Value is { } csv ? csv : NotFound();

    private async Task<PartnerDto?> MineAsync(CancellationToken ct) => (await accounts.MineAsync(ct)).Value;

    private async Task<IActionResult> ListingsAsync(PartnerDto partner, AppError? error, CancellationToken ct)
    {
        var model = await sections.ListingsAsync(partner, isAdmin: false, error is null ? FormErrors.None : FormErrors.From(error), ct);
        return Request.IsHtmx()
            ? this.Fragment("_Listings", model, error?.Status ?? StatusCodes.Status200OK)
            : RedirectToAction(nameof(Index));
    }

    private IActionResult Dashboard(PartnerDashboardModel model, int status) =>
        Request.IsHtmx() ? this.Fragment("_PartnerDashboard", model, status) : StatusView(model, status);

    private ViewResult StatusView(PartnerDashboardModel model, int status)
    {
        Response.StatusCode = status;
        return View("PartnerDashboard", model);
    }

    private async Task<PartnerDashboardModel> DashboardAsync(ApplyFormModel? apply, string? from, string? to, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner)
            return new PartnerDashboardModel(apply ?? new ApplyFormModel(new ApplyForm(), FormErrors.None), null, null, null, null);
        return new PartnerDashboardModel(null, partner,
            await sections.ListingsAsync(partner, isAdmin: false, FormErrors.None, ct),
            await sections.EarningsAsync(partner, from, to, null, isAdmin: false, ct),
            await sections.PayoutsAsync(partner, isAdmin: false, FormErrors.None, ct));
    }

    private FormErrors ModelErrors() => new(null, ModelState
        .Where(e => e.Value?.Errors.Count > 0)
        .ToDictionary(e => e.Key.ToLowerInvariant(), e => e.Value!.Errors.Select(x => x.ErrorMessage).ToArray()));
}
