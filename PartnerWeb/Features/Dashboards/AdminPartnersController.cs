using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>Platform admins' partner management (spec §10), on the services the API uses.</summary>
[Authorize(Policies.PlatformAdmin)]
[Route("dashboard/admin/partners")]
[OneDbConnection]
public sealed class AdminPartnersController(
    PartnerAccountService accounts, ListingService listings, PayoutService payouts, PayoutSending sending, DashboardSections sections, StatementService statements) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? status, string? q, string? cursor, CancellationToken ct)
    {
        var parsed = Enum.TryParse<PartnerStatus>(status, ignoreCase: true, out var s) ? s : (PartnerStatus?)null;
        var page = await accounts.ListAsync(new PartnerListQuery { Status = parsed, Q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(), Limit = 50, Cursor = cursor }, ct);
        var model = new PartnerTableModel(parsed?.ToString().ToLowerInvariant(), q, page.Items.Select(p => new PartnerRowModel(p, null)).ToList(), page.NextCursor);
        return this.PageOrFragment("AdminPartners", model, "_PartnerTable", model);
    }

    [HttpPost("{id:guid}/approve")]
    public async Task<IActionResult> Approve(Guid id, CancellationToken ct) => await RowAsync(id, await accounts.ApproveAsync(id, ct), ct);

    [HttpPost("{id:guid}/suspend")]
    public async Task<IActionResult> Suspend(Guid id, string? reason, CancellationToken ct) =>
        await RowAsync(id, await accounts.SuspendAsync(id, reason, ct), ct);

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Detail(Guid id, string? from, string? to, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        return View("AdminPartner", new AdminPartnerModel(partner,
            await sections.ListingsAsync(partner, isAdmin: true, FormErrors.None, ct),
            await sections.EarningsAsync(partner, from, to, null, isAdmin: true, ct),
            await sections.PayoutsAsync(partner, isAdmin: true, FormErrors.None, ct)));
    }

    [HttpPost("{id:guid}/listings")]
    [PartnerWriteLimit]
    public async Task<IActionResult> CreateListing(Guid id, Guid marketplaceItemId, CommissionType? commissionType, decimal? commissionValue, CancellationToken ct) =>
        await ListingsAsync(id, async () => (await listings.CreateAsync(id, new CreateListingRequest
        {
            MarketplaceItemId = marketplaceItemId, CommissionType = commissionType, CommissionValue = commissionValue,
        }, ct)).Error, ct);

    [HttpPost("{id:guid}/listings/{listingId:guid}")]
    public async Task<IActionResult> UpdateListing(Guid id, Guid listingId, ListingStatus? status, CommissionType? commissionType, decimal? commissionValue, CancellationToken ct) =>
        await ListingsAsync(id, async () => (await listings.UpdateAsync(id, listingId, new UpdateListingRequest
        {
            Status = status, CommissionType = commissionType, CommissionValue = commissionValue,
        }, ct)).Error, ct);

    [HttpGet("{id:guid}/earnings")]
    public async Task<IActionResult> Earnings(Guid id, string? from, string? to, string? cursor, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Detail), new { id, from, to });
        var model = await sections.EarningsAsync(partner, from, to, cursor, isAdmin: true, ct);
        return cursor is null ? this.Fragment("_Earnings", model) : this.Fragment("_EarningRows", new EarningRowsModel(model));
    }

    [HttpGet("{id:guid}/earnings.csv")]
    public async Task<IActionResult> EarningsCsv(Guid id, string? from, string? to, CancellationToken ct) =>
        (await statements.EarningsAsync(id, new EarningsQuery { From = from, To = to }, ct)).Value is { } csv ? csv : NotFound();

    [HttpGet("{id:guid}/payouts/{payoutId:guid}/statement.csv")]
    public async Task<IActionResult> PayoutStatement(Guid id, Guid payoutId, CancellationToken ct) =>
        (await statements.PayoutAsync(id, payoutId, ct)).Value is { } csv ? csv : NotFound();

    [HttpPost("{id:guid}/payouts/generate")]
    [PartnerWriteLimit]
    public async Task<IActionResult> Generate(Guid id, CancellationToken ct) =>
        await PayoutsAsync(id, (await payouts.GenerateAsync(id, ct)).Error, ct);

    [HttpPost("{id:guid}/payouts/{payoutId:guid}/approve")]
    public async Task<IActionResult> ApprovePayout(Guid id, Guid payoutId, CancellationToken ct) =>
        await PayoutsAsync(id, (await payouts.ApproveAsync(id, payoutId, ct)).Error, ct);

    [HttpPost("{id:guid}/payouts/{payoutId:guid}/send")]
    public async Task<IActionResult> SendPayout(Guid id, Guid payoutId, CancellationToken ct) =>
        await PayoutsAsync(id, (await sending.SendAsync(id, payoutId, ct)).Error, ct);

    [HttpPost("{id:guid}/payouts/{payoutId:guid}/mark-paid")]
    public async Task<IActionResult> MarkPayoutPaid(Guid id, Guid payoutId, string? reference, CancellationToken ct) =>
        await PayoutsAsync(id, MarkPaidForm.Check(payoutId, reference) ?? (await payouts.MarkPaidAsync(id, payoutId, reference, ct)).Error, ct);

    private async Task<IActionResult> RowAsync(Guid id, Result<PartnerDto> result, CancellationToken ct)
    {
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Index));
        var partner = result.Value ?? (await accounts.GetAsync(id, ct)).Value;
        if (partner is null) return this.Fragment("_Message", "Partner account was not found.", StatusCodes.Status404NotFound);
        return this.Fragment("_PartnerRow", new PartnerRowModel(partner, result.Error?.Title), result.Error?.Status ?? StatusCodes.Status200OK);
    }

    private async Task<IActionResult> ListingsAsync(Guid id, Func<Task<AppError?>> change, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        var error = await change();
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Detail), new { id });
        var model = await sections.ListingsAsync(partner, isAdmin: true, error is null ? FormErrors.None : FormErrors.From(error), ct);
        return this.Fragment("_Listings", model, error?.Status ?? StatusCodes.Status200OK);
    }

    private async Task<IActionResult> PayoutsAsync(Guid id, AppError? error, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Detail), new { id });
        var model = await sections.PayoutsAsync(partner, isAdmin: true, error is null ? FormErrors.None : FormErrors.From(error), ct);
        if (error is null) Response.Headers["HX-Trigger"] = "payouts-changed";
        return this.Fragment("_Payouts", model, error?.Status ?? StatusCodes.Status200OK);
    }
}
