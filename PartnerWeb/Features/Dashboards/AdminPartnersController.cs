using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>
/// Platform admins' partner management (spec §10), on the services the API uses. Its actions carry no
/// partner-write limit: that limit is for partners, not the operator (the API keeps the spec's limits).
/// </summary>
[Authorize(Policies.PlatformAdmin)]
[Route("dashboard/admin/partners")]
[OneDbConnection]
public sealed class AdminPartnersController(
    PartnerAccountService accounts, ListingService listings, PayoutService payouts, PayoutSending sending, DashboardSections sections, StatementService statements,
    EarningService earnings, PartnerStripeService stripe, Admin.TenantDirectory directory, Audit.AuditQueryService audit) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? status, string? q, string? cursor, CancellationToken ct)
    {
        var parsed = Enum.TryParse<PartnerStatus>(status, ignoreCase: true, out var s) ? s : (PartnerStatus?)null;
        var page = await accounts.ListAsync(new PartnerListQuery { Status = parsed, Q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(), Limit = 50, Cursor = cursor }, ct);
        var balances = await earnings.BalancesAsync(page.Items.Select(p => p.Id).ToList(), ct);
        var model = new PartnerTableModel(parsed?.ToString().ToLowerInvariant(), q,
            page.Items.Select(p => new PartnerRowModel(p, null, balances.GetValueOrDefault(p.Id) ?? [])).ToList(), page.NextCursor,
            Request.IsHtmx() ? 0 : await audit.RecentLedgerMismatchesAsync(ct));
        return this.PageOrFragment("AdminPartners", model, "_PartnerTable", model);
    }

    [HttpPost("{id:guid}/approve")]
    public async Task<IActionResult> Approve(Guid id, CancellationToken ct) => await RowAsync(id, await accounts.ApproveAsync(id, ct), ct);

    [HttpPost("{id:guid}/suspend")]
    public async Task<IActionResult> Suspend(Guid id, string? reason, CancellationToken ct) =>
        await RowAsync(id, await accounts.SuspendAsync(id, reason, ct), ct);

    /// <summary>Reject a pending application; the answer is the page's head again, with the 409 or 400 in it.</summary>
    [HttpPost("{id:guid}/reject")]
    public async Task<IActionResult> Reject(Guid id, RejectRequest form, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        if (!ModelState.IsValid)
            return this.Fragment("_PartnerHeader", await HeaderAsync(partner, null, FormErrors.From(ModelState), form.Reason, ct), StatusCodes.Status400BadRequest);
        var result = await accounts.RejectAsync(id, form.Reason, ct);
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Detail), new { id });
        if (result.Value is { } rejected) return this.Fragment("_PartnerHeader", await HeaderAsync(rejected, null, FormErrors.None, null, ct));
        // Refused (409): the account as it is now, the message, and the reason as typed.
        var current = (await accounts.GetAsync(id, ct)).Value ?? partner;
        return this.Fragment("_PartnerHeader", await HeaderAsync(current, null, FormErrors.From(result.Error!), form.Reason, ct), result.Error!.Status);
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Detail(Guid id, string? from, string? to, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        var earningsModel = await sections.EarningsAsync(partner, from, to, null, isAdmin: true, ct);
        // A link with a refused filter still shows the page, with the message beside the filter.
        if (earningsModel.Error is not null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("AdminPartner", new AdminPartnerModel(partner,
            await sections.ListingsAsync(partner, isAdmin: true, FormErrors.None, ct),
            earningsModel,
            await sections.PayoutsAsync(partner, isAdmin: true, FormErrors.None, ct),
            await HeaderAsync(partner, earningsModel.Page.Balances, FormErrors.None, null, ct)));
    }

    private async Task<PartnerHeaderModel> HeaderAsync(
        PartnerDto partner, IReadOnlyList<EarningBalance>? balances, FormErrors errors, string? reason, CancellationToken ct)
    {
        var method = PayoutPreferences.MethodOf(partner.PayoutPreferences.GetRawText());
        var state = method == PayoutPreferences.StripeConnect ? (await stripe.StateAsync(partner.Id, ct)).State : (StripeAccountState?)null;
        var tenant = (await directory.TenantNamesAsync([partner.TenantId], ct)).GetValueOrDefault(partner.TenantId);
        balances ??= (await earnings.BalancesAsync([partner.Id], ct)).GetValueOrDefault(partner.Id) ?? [];
        return new PartnerHeaderModel(partner, tenant, PayoutPreferences.Show(partner.PayoutPreferences, state), balances, errors, reason);
    }

    [HttpPost("{id:guid}/listings")]
    public async Task<IActionResult> CreateListing(Guid id, Guid marketplaceItemId, CommissionType? commissionType, decimal? commissionValue, CancellationToken ct) =>
        await ListingsAsync(id, new ListingInput(null, marketplaceItemId, Request.Form["commissionType"], Request.Form["commissionValue"]),
            async () => (await listings.CreateAsync(id, new CreateListingRequest
            {
                MarketplaceItemId = marketplaceItemId, CommissionType = commissionType, CommissionValue = commissionValue,
            }, ct)).Error, ct);

    [HttpPost("{id:guid}/listings/{listingId:guid}")]
    public async Task<IActionResult> UpdateListing(Guid id, Guid listingId, ListingStatus? status, CommissionType? commissionType, decimal? commissionValue, CancellationToken ct) =>
        await ListingsAsync(id, new ListingInput(listingId, null, Request.Form["commissionType"], Request.Form["commissionValue"]),
            async () => (await listings.UpdateAsync(id, listingId, new UpdateListingRequest
            {
                Status = status, CommissionType = commissionType, CommissionValue = commissionValue,
            }, ct)).Error, ct);

    [HttpGet("{id:guid}/earnings")]
    public async Task<IActionResult> Earnings(Guid id, string? from, string? to, string? cursor, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Detail), new { id, from, to });
        return EarningsFilter.Answer(this, await sections.EarningsAsync(partner, from, to, cursor, isAdmin: true, ct), cursor);
    }

    [HttpGet("{id:guid}/earnings.csv")]
    public async Task<IActionResult> EarningsCsv(Guid id, string? from, string? to, CancellationToken ct) =>
        (await statements.EarningsAsync(id, new EarningsQuery { From = from, To = to }, ct)).Value is { } csv ? csv : NotFound();

    [HttpGet("{id:guid}/payouts/{payoutId:guid}/statement.csv")]
    public async Task<IActionResult> PayoutStatement(Guid id, Guid payoutId, CancellationToken ct) =>
        (await statements.PayoutAsync(id, payoutId, ct)).Value is { } csv ? csv : NotFound();

    [HttpPost("{id:guid}/payouts/generate")]
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
        var balances = (await earnings.BalancesAsync([partner.Id], ct)).GetValueOrDefault(partner.Id) ?? [];
        return this.Fragment("_PartnerRow", new PartnerRowModel(partner, result.Error?.Title, balances), result.Error?.Status ?? StatusCodes.Status200OK);
    }

    /// <summary>A value that did not bind ("abc" for a commission) is refused here, with what was typed shown again beside it.</summary>
    private async Task<IActionResult> ListingsAsync(Guid id, ListingInput input, Func<Task<AppError?>> change, CancellationToken ct)
    {
        if ((await accounts.GetAsync(id, ct)).Value is not { } partner) return NotFound();
        var error = ModelState.IsValid ? await change() : AppError.Validation(FormErrors.From(ModelState).Fields);
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Detail), new { id });
        var model = await sections.ListingsAsync(partner, isAdmin: true, error is null ? FormErrors.None : FormErrors.From(error), ct, input);
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
