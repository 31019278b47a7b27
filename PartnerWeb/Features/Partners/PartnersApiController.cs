using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Spec §8. Staff of any tenant get 403 on every route (TenantAdmin on the group); platform-admin
/// routes say so; "partner self" routes find the partner through <see cref="PartnerAccess"/>, so another
/// tenant's partner is 404. Literal routes (/me, /my/*, /apply) win over /{id:guid} by construction.
/// </summary>
[Route("api/partners")]
[OneDbConnection]
[Authorize(Policies.TenantAdmin)]
public sealed class PartnersApiController(
    PartnerAccountService accounts, ListingService listings, EarningService earnings, PayoutService payouts, StatementService statements) : ApiControllerBase
{
    [HttpPost("apply")]
    [EnableRateLimiting(RateLimits.PartnerWrites)]
    public async Task<ActionResult> Apply(ApplyRequest request, CancellationToken ct) =>
        From(await accounts.ApplyAsync(request, ct), p => Created($"/api/partners/{p.Id}", p));

    [HttpGet("me")]
    public async Task<ActionResult> Me(CancellationToken ct) => From(await accounts.MineAsync(ct), Ok);

    [HttpGet("my/earnings")]
    public async Task<ActionResult> MyEarnings([FromQuery] EarningsQuery query, CancellationToken ct) =>
        From(await earnings.ListMineAsync(query, ct), Ok);

    [HttpGet("my/payouts")]
    public async Task<ActionResult> MyPayouts([FromQuery] PayoutListQuery query, CancellationToken ct) =>
        From(await payouts.ListMineAsync(query, ct), Ok);

    [HttpGet]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> List([FromQuery] PartnerListQuery query, CancellationToken ct) => Ok(await accounts.ListAsync(query, ct));

    [HttpGet("{id:guid}")]
    public async Task<ActionResult> Get(Guid id, CancellationToken ct) => From(await accounts.GetAsync(id, ct), Ok);

    [HttpPost("{id:guid}/approve")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> Approve(Guid id, CancellationToken ct) => From(await accounts.ApproveAsync(id, ct), Ok);

    [HttpPost("{id:guid}/suspend")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> Suspend(
        Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] SuspendRequest? request, CancellationToken ct) =>
        From(await accounts.SuspendAsync(id, request?.Reason, ct), Ok);

    [HttpPost("{partnerId:guid}/listings")]
    [EnableRateLimiting(RateLimits.PartnerWrites)]
    public async Task<ActionResult> CreateListing(Guid partnerId, CreateListingRequest request, CancellationToken ct) =>
        From(await listings.CreateAsync(partnerId, request, ct), l => Created($"/api/partners/{partnerId}/listings/{l.Id}", l));

    [HttpPatch("{partnerId:guid}/listings/{listingId:guid}")]
    public async Task<ActionResult> UpdateListing(Guid partnerId, Guid listingId, UpdateListingRequest request, CancellationToken ct) =>
        From(await listings.UpdateAsync(partnerId, listingId, request, ct), Ok);

    [HttpGet("{partnerId:guid}/listings")]
    public async Task<ActionResult> Listings(Guid partnerId, [FromQuery] PageQuery query, CancellationToken ct) =>
        From(await listings.ListAsync(partnerId, query, ct), Ok);

    [HttpGet("{partnerId:guid}/earnings")]
    public async Task<ActionResult> Earnings(Guid partnerId, [FromQuery] EarningsQuery query, CancellationToken ct) =>
        From(await earnings.ListAsync(partnerId, query, ct), Ok);

    [HttpGet("{partnerId:guid}/earnings.csv")]
    public async Task<ActionResult> EarningsCsv(Guid partnerId, [FromQuery] EarningsQuery query, CancellationToken ct) =>
        From(await statements.EarningsAsync(partnerId, query, ct), csv => csv);

    [HttpGet("{partnerId:guid}/payouts/{payoutId:guid}/statement.csv")]
    public async Task<ActionResult> PayoutStatement(Guid partnerId, Guid payoutId, CancellationToken ct) =>
        From(await statements.PayoutAsync(partnerId, payoutId, ct), csv => csv);

    [HttpPost("{partnerId:guid}/payouts/generate")]
    [Authorize(Policies.PlatformAdmin)]
    [EnableRateLimiting(RateLimits.PartnerWrites)]
    public async Task<ActionResult> GeneratePayouts(Guid partnerId, CancellationToken ct) =>
        From(await payouts.GenerateAsync(partnerId, ct), g => g.Payouts.Count > 0 ? StatusCode(StatusCodes.Status201Created, g) : Ok(g));

    [HttpPost("{partnerId:guid}/payouts/{payoutId:guid}/approve")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> ApprovePayout(Guid partnerId, Guid payoutId, CancellationToken ct) =>
        From(await payouts.ApproveAsync(partnerId, payoutId, ct), Ok);

    [HttpPost("{partnerId:guid}/payouts/{payoutId:guid}/mark-paid")]
    [Authorize(Policies.PlatformAdmin)]
    public async Task<ActionResult> MarkPayoutPaid(
        Guid partnerId, Guid payoutId,
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] PayoutMarkPaidRequest? request, CancellationToken ct) =>
        From(await payouts.MarkPaidAsync(partnerId, payoutId, request?.Reference, ct), Ok);

    [HttpGet("{partnerId:guid}/payouts")]
    public async Task<ActionResult> Payouts(Guid partnerId, [FromQuery] PayoutListQuery query, CancellationToken ct) =>
        From(await payouts.ListAsync(partnerId, query, ct), Ok);
}
