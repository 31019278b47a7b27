using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Partners;

/// <summary>
/// Spec §8. Staff of any tenant get 403 on every route (TenantAdmin on the group); platform-admin
/// routes say so; "partner self" routes find the partner through <see cref="PartnerAccess"/>, so another
/// tenant's partner is 404. Literal routes (/me, /my/*, /apply) win over /{id:guid} by construction.
/// </summary>
[Route("api/partners")]
[OneDbConnection]
[Authorize(Policies.TenantAdmin)]
[Tags("Partners")]
public sealed class PartnersApiController(
    PartnerAccountService accounts, ListingService listings, EarningService earnings, PayoutService payouts, StatementService statements) : ApiControllerBase
{
    [HttpPost("apply")]
    [EndpointName("Partners_Apply")]
    [PartnerWriteLimit]
    [EndpointSummary("Apply as a partner (owner/admin of a non-platform tenant; a rejected tenant applies again)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<PartnerDto>> Apply(ApplyRequest request, CancellationToken ct) =>
        From(await accounts.ApplyAsync(request, ct), p => Created($"/api/partners/{p.Id}", p));

    [HttpGet("me")]
    [EndpointName("Partners_GetMine")]
    [EndpointSummary("The caller's own partner account")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<PartnerDto>> Me(CancellationToken ct) => From(await accounts.MineAsync(ct), Ok);

    [HttpGet("my/earnings")]
    [EndpointName("Earnings_ListMine")]
    [EndpointSummary("The caller's own earnings, with per-currency totals")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<EarningsPage>> MyEarnings([FromQuery] EarningsQuery query, CancellationToken ct) =>
        From(await earnings.ListMineAsync(query, ct), Ok);

    [HttpGet("my/payouts")]
    [EndpointName("Payouts_ListMine")]
    [EndpointSummary("The caller's own payouts")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<Page<PayoutDto>>> MyPayouts([FromQuery] PayoutListQuery query, CancellationToken ct) =>
        From(await payouts.ListMineAsync(query, ct), Ok);

    [HttpGet]
    [EndpointName("Partners_List")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("List partners (platform admins)")]
    public async Task<ActionResult<Page<PartnerDto>>> List([FromQuery] PartnerListQuery query, CancellationToken ct) => Ok(await accounts.ListAsync(query, ct));

    [HttpGet("{id:guid}")]
    [EndpointName("Partners_Get")]
    [EndpointSummary("A partner account")]
    public async Task<ActionResult<PartnerDto>> Get(Guid id, CancellationToken ct) => From(await accounts.GetAsync(id, ct), Ok);

    [HttpPatch("{id:guid}")]
    [EndpointName("Partners_Update")]
    [PartnerWriteLimit]
    [EndpointSummary("Change the contact email and/or payout preferences (partner self, platform admins)")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<PartnerDto>> Update(Guid id, UpdatePartnerRequest request, CancellationToken ct) =>
        From(await accounts.UpdateAsync(id, request, ct), Ok);

    [HttpPost("{id:guid}/approve")]
    [EndpointName("Partners_Approve")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Approve a pending or suspended partner")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<PartnerDto>> Approve(Guid id, CancellationToken ct) => From(await accounts.ApproveAsync(id, ct), Ok);

    [HttpPost("{id:guid}/suspend")]
    [EndpointName("Partners_Suspend")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Suspend a pending or approved partner")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<PartnerDto>> Suspend(
        Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] SuspendRequest? request, CancellationToken ct) =>
        From(await accounts.SuspendAsync(id, request?.Reason, ct), Ok);

    [HttpPost("{partnerId:guid}/reject")]
    [EndpointName("Partners_Reject")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Reject a pending application (the tenant may apply again)")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<PartnerDto>> Reject(
        Guid partnerId, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RejectRequest? request, CancellationToken ct) =>
        From(await accounts.RejectAsync(partnerId, request?.Reason, ct), Ok);

    [HttpPost("{partnerId:guid}/listings")]
    [EndpointName("Listings_Create")]
    [PartnerWriteLimit]
    [EndpointSummary("List a marketplace item for a partner")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<ListingDto>> CreateListing(Guid partnerId, CreateListingRequest request, CancellationToken ct) =>
        From(await listings.CreateAsync(partnerId, request, ct), l => Created($"/api/partners/{partnerId}/listings/{l.Id}", l));

    [HttpPatch("{partnerId:guid}/listings/{listingId:guid}")]
    [EndpointName("Listings_Update")]
    [EndpointSummary("Change a listing (partner self: status only)")]
    public async Task<ActionResult<ListingDto>> UpdateListing(Guid partnerId, Guid listingId, UpdateListingRequest request, CancellationToken ct) =>
        From(await listings.UpdateAsync(partnerId, listingId, request, ct), Ok);

    [HttpGet("{partnerId:guid}/listings")]
    [EndpointName("Listings_List")]
    [EndpointSummary("A partner's listings")]
    public async Task<ActionResult<Page<ListingDto>>> Listings(Guid partnerId, [FromQuery] PageQuery query, CancellationToken ct) =>
        From(await listings.ListAsync(partnerId, query, ct), Ok);

    [HttpGet("{partnerId:guid}/earnings")]
    [EndpointName("Earnings_List")]
    [EndpointSummary("A partner's earnings, with per-currency totals over the whole filter")]
    public async Task<ActionResult<EarningsPage>> Earnings(Guid partnerId, [FromQuery] EarningsQuery query, CancellationToken ct) =>
        From(await earnings.ListAsync(partnerId, query, ct), Ok);

    [HttpGet("{partnerId:guid}/earnings.csv")]
    [EndpointName("Earnings_ExportCsv")]
    [EndpointSummary("The partner's ledger entries as CSV, streamed (from/to as for earnings)")]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "text/csv")]
    public async Task<ActionResult> EarningsCsv(Guid partnerId, [FromQuery] EarningsRangeQuery query, CancellationToken ct) =>
        From(await statements.EarningsAsync(partnerId, query.ToEarningsQuery(), ct), csv => csv);

    [HttpGet("{partnerId:guid}/payouts/{payoutId:guid}/statement.csv")]
    [EndpointName("Payouts_GetStatement")]
    [EndpointSummary("The entries one payout took, as CSV; their nets sum to the payout's amount")]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "text/csv")]
    public async Task<ActionResult> PayoutStatement(Guid partnerId, Guid payoutId, CancellationToken ct) =>
        From(await statements.PayoutAsync(partnerId, payoutId, ct), csv => csv);

    [HttpPost("{partnerId:guid}/payouts/generate")]
    [EndpointName("Payouts_Generate")]
    [Authorize(Policies.PlatformAdmin)]
    [PartnerWriteLimit]
    [EndpointSummary("Generate one owed payout per currency (201; 200 with none when nothing is owed)")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<GeneratedPayouts>> GeneratePayouts(Guid partnerId, CancellationToken ct) =>
        From(await payouts.GenerateAsync(partnerId, ct), g => g.Payouts.Count > 0 ? StatusCode(StatusCodes.Status201Created, g) : Ok(g));

    [HttpPost("{partnerId:guid}/payouts/{payoutId:guid}/approve")]
    [EndpointName("Payouts_Approve")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Approve an owed payout")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<PayoutDto>> ApprovePayout(Guid partnerId, Guid payoutId, CancellationToken ct) =>
        From(await payouts.ApproveAsync(partnerId, payoutId, ct), Ok);

    [HttpPost("{partnerId:guid}/payouts/{payoutId:guid}/mark-paid")]
    [EndpointName("Payouts_MarkPaid")]
    [Authorize(Policies.PlatformAdmin)]
    [EndpointSummary("Mark an approved payout paid")]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<PayoutDto>> MarkPayoutPaid(
        Guid partnerId, Guid payoutId,
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] PayoutMarkPaidRequest? request, CancellationToken ct) =>
        From(await payouts.MarkPaidAsync(partnerId, payoutId, request?.Reference, ct), Ok);

    [HttpGet("{partnerId:guid}/payouts")]
    [EndpointName("Payouts_List")]
    [EndpointSummary("A partner's payouts")]
    public async Task<ActionResult<Page<PayoutDto>>> Payouts(Guid partnerId, [FromQuery] PayoutListQuery query, CancellationToken ct) =>
        From(await payouts.ListAsync(partnerId, query, ct), Ok);
}
