using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Domain;
using PartnerWeb.Features.Billing;
using PartnerWeb.Features.Marketplace;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>Partner self-service (spec §10). Every action goes through the services the API uses.</summary>
[Authorize(Policies.TenantAdmin)]
[Route("dashboard/partners")]
[OneDbConnection]
public sealed class PartnerDashboardController(
    PartnerAccountService accounts, ListingService listings, DashboardSections sections, StatementService statements,
    PartnerStripeService stripe, StripeGateway gateway, MarketplaceService marketplace) : Controller
{
    /// <summary>This page on the host the request came to: where Stripe sends the partner back from onboarding.</summary>
    public static Uri Page(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/dashboard/partners");

    /// <param name="returned"><c>?stripe=return</c> or <c>refresh</c>: the partner is back from Stripe's onboarding.</param>
    [HttpGet("")]
    public async Task<IActionResult> Index(string? from, string? to, [FromQuery(Name = "stripe")] string? returned, CancellationToken ct)
    {
        var model = await DashboardAsync(null, from, to, ct, new StripeNote(returned, null));
        // A link with a refused filter still shows the page, with the message beside the filter.
        return StatusView(model, model.Earnings?.Error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>A plain form post, not htmx: the answer sends the browser to Stripe's onboarding.</summary>
    [HttpPost("stripe/onboarding")]
    [PartnerWriteLimit]
    public async Task<IActionResult> StripeOnboarding(CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner) return NotFound();
        var started = await stripe.OnboardAsync(partner.Id, Page(Request), ct);
        if (started.Value is { } link)
        {
            Response.Headers.Location = link.Url;
            return StatusCode(StatusCodes.Status303SeeOther);
        }
        var error = started.Error!;
        // Not configured: the section already says so where the button would be, so no second message.
        var message = error.Status == StatusCodes.Status503ServiceUnavailable ? null : error.Title;
        return StatusView(await DashboardAsync(null, null, null, ct, new StripeNote(null, message)), error.Status);
    }

    [HttpPost("apply")]
    [PartnerWriteLimit]
    [RefusalsInForm]
    public async Task<IActionResult> Apply(ApplyForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return Dashboard(await DashboardAsync(new ApplyFormModel(form, ModelErrors()), null, null, ct), StatusCodes.Status400BadRequest);
        var result = await accounts.ApplyAsync(new ApplyRequest
        {
            DisplayName = form.DisplayName, ContactEmail = form.ContactEmail, Country = form.Country,
            PayoutPreferences = form.Preferences(),
        }, ct);
        if (!result.IsSuccess)
            return Dashboard(await DashboardAsync(new ApplyFormModel(form, FormErrors.From(result.Error!)), null, null, ct), result.Error!.Status);
        return Request.IsHtmx() ? Dashboard(await DashboardAsync(null, null, null, ct), StatusCodes.Status200OK) : RedirectToAction(nameof(Index));
    }

    /// <summary>Publishes an item for the partner's tenant with the service behind POST /api/marketplace/items (not limited there either).</summary>
    [HttpPost("items")]
    [RefusalsInForm]
    public async Task<IActionResult> Publish(PublishForm form, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner) return NotFound();
        var errors = new Dictionary<string, string[]>();
        var request = form.ToRequest(errors);
        var refused = FormErrors.From(ModelState).With(FormErrors.From(errors));
        if (refused.Any) return await FormAnswerAsync("_Publish", new PublishFormModel(form, refused), StatusCodes.Status400BadRequest, ct);
        var result = await marketplace.CreateItemAsync(request!, ct);
        if (result.Error is { } error) return await FormAnswerAsync("_Publish", new PublishFormModel(form, FormErrors.From(error)), error.Status, ct);
        // The listings card offers the new item at once.
        Response.Headers["HX-Trigger"] = "listings-changed";
        return await FormAnswerAsync("_Publish", new PublishFormModel(new PublishForm(), FormErrors.None, result.Value), StatusCodes.Status200OK, ct);
    }

    /// <summary>Contact email and payout preferences, with the service behind PATCH /api/partners/{id}.</summary>
    [HttpPost("profile")]
    [PartnerWriteLimit]
    [RefusalsInForm]
    public async Task<IActionResult> UpdateProfile(ProfileForm form, CancellationToken ct)
    {
        if (await MineAsync(ct) is not { } partner) return NotFound();
        if (!ModelState.IsValid)
            return await FormAnswerAsync("_Profile", new ProfileFormModel(partner, form, FormErrors.From(ModelState)), StatusCodes.Status400BadRequest, ct);
        var email = form.ContactEmail!.Trim();
        var result = await accounts.UpdateAsync(partner.Id, new UpdatePartnerRequest
        {
            // Only a changed email is sent, so the audit event names only what changed.
            ContactEmail = email == partner.ContactEmail ? null : email, PayoutPreferences = form.Preferences(),
        }, ct);
        if (result.Error is { } error)
            return await FormAnswerAsync("_Profile", new ProfileFormModel(partner, form, FormErrors.From(error)), error.Status, ct);
        var updated = result.Value!;
        return await FormAnswerAsync("_Profile", new ProfileFormModel(updated, ProfileForm.Of(updated), FormErrors.None, Saved: true), StatusCodes.Status200OK, ct);
    }

    [HttpGet("listings")]
    public async Task<IActionResult> Listings(CancellationToken ct) =>
        await MineAsync(ct) is { } partner ? await ListingsAsync(partner, null, ct) : NotFound();

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
        if (!Request.IsHtmx()) return RedirectToAction(nameof(Index), new { from, to });
        return EarningsFilter.Answer(this, await sections.EarningsAsync(partner, from, to, cursor, isAdmin: false, ct), cursor);
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

    /// <summary>
    /// A form's card for htmx; without htmx, the dashboard after a success, or the whole page with the
    /// refused form in its place (the page shows the form models it is given).
    /// </summary>
    private async Task<IActionResult> FormAnswerAsync(string fragment, object form, int status, CancellationToken ct)
    {
        if (Request.IsHtmx()) return this.Fragment(fragment, form, status);
        if (status < StatusCodes.Status400BadRequest) return RedirectToAction(nameof(Index));
        var page = await DashboardAsync(null, null, null, ct);
        return StatusView(form switch
        {
            PublishFormModel publish => page with { Publish = publish },
            ProfileFormModel profile => page with { Profile = profile },
            _ => page,
        }, status);
    }

    private IActionResult Dashboard(PartnerDashboardModel model, int status) =>
        Request.IsHtmx() ? this.Fragment("_PartnerDashboard", model, status) : StatusView(model, status);

    private ViewResult StatusView(PartnerDashboardModel model, int status)
    {
        Response.StatusCode = status;
        return View("PartnerDashboard", model);
    }

    private sealed record StripeNote(string? Returned, string? Error);

    private async Task<PartnerDashboardModel> DashboardAsync(ApplyFormModel? apply, string? from, string? to, CancellationToken ct, StripeNote? note = null)
    {
        var partner = await MineAsync(ct);
        if (partner is null || partner.Status == PartnerStatus.Rejected)
        {
            // A rejected tenant applies again with the same form, starting from what it sent last time.
            var form = partner is null ? new ApplyForm() : new ApplyForm { DisplayName = partner.DisplayName, ContactEmail = partner.ContactEmail, Country = partner.Country };
            return new PartnerDashboardModel((apply ?? new ApplyFormModel(form, FormErrors.None)) with { Rejected = partner is not null }, null, null, null, null);
        }
        return new PartnerDashboardModel(null, partner,
            await sections.ListingsAsync(partner, isAdmin: false, FormErrors.None, ct),
            await sections.EarningsAsync(partner, from, to, null, isAdmin: false, ct),
            await sections.PayoutsAsync(partner, isAdmin: false, FormErrors.None, ct),
            new StripePayoutsModel(partner, await stripe.StateAsync(partner.Id, ct), gateway.Configured, note?.Returned, note?.Error),
            // The service lets only an approved partner publish; the form is offered where it can work.
            partner.Status == Domain.PartnerStatus.Approved ? new PublishFormModel(new PublishForm(), FormErrors.None) : null,
            new ProfileFormModel(partner, ProfileForm.Of(partner), FormErrors.None));
    }

    private FormErrors ModelErrors() => FormErrors.From(ModelState);
}
