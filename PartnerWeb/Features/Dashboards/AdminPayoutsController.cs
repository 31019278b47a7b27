using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>
/// Platform admins' payouts queue across partners, on <see cref="PayoutQueue"/>. Operator actions carry no
/// partner-write limit: that limit protects the platform from partners, and a month-end run is many clicks.
/// </summary>
[Authorize(Policies.PlatformAdmin)]
[Route("dashboard/admin/payouts")]
[OneDbConnection]
public sealed class AdminPayoutsController(PayoutQueue queue) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? status, string? cursor, CancellationToken ct) =>
        Show(await ModelAsync(new PayoutSelectionForm { Status = status, Cursor = cursor }, null, FormErrors.None, ct), StatusCodes.Status200OK);

    [HttpPost("generate")]
    public async Task<IActionResult> Generate(CancellationToken ct)
    {
        var run = await queue.GenerateForAllAsync(ct);
        return Show(await ModelAsync(new PayoutSelectionForm(), null, FormErrors.None, ct) with { Run = run }, StatusCodes.Status200OK);
    }

    [HttpPost("approve")]
    public Task<IActionResult> Approve(PayoutSelectionForm form, CancellationToken ct) =>
        BulkAsync(form, null, "approved", () => queue.ApproveAsync(form.Ids, ct), ct);

    [HttpPost("send")]
    public Task<IActionResult> Send(PayoutSelectionForm form, CancellationToken ct) =>
        BulkAsync(form, null, "sent with Stripe", () => queue.SendAsync(form.Ids, ct), ct);

    [HttpPost("mark-paid")]
    public Task<IActionResult> MarkPaid(PayoutMarkPaidForm form, CancellationToken ct) =>
        BulkAsync(form, form.Reference, "paid", () => queue.MarkPaidAsync(form.Ids, form.Reference!, ct), ct);

    /// <summary>
    /// 400 with the form as it was (selection, reference, message beside the field); else the action for each
    /// payout, and the queue again with every outcome. 409 when none went through, whatever each refusal was
    /// (a 503 would not be swapped in, and the rows say why).
    /// </summary>
    private async Task<IActionResult> BulkAsync(
        PayoutSelectionForm form, string? reference, string done, Func<Task<IReadOnlyList<PayoutOutcome>>> act, CancellationToken ct)
    {
        if (!ModelState.IsValid)
            return Show(await ModelAsync(form, reference, FormErrors.From(ModelState), ct), StatusCodes.Status400BadRequest);
        var outcomes = await act();
        var status = outcomes.All(o => o.Error is not null) ? StatusCodes.Status409Conflict : StatusCodes.Status200OK;
        // The ones done leave the selection; the refused stay ticked, to try again.
        var kept = new PayoutSelectionForm { Status = form.Status, Cursor = form.Cursor, Ids = outcomes.Where(o => o.Error is not null).Select(o => o.PayoutId).ToList() };
        var model = await ModelAsync(kept, reference, FormErrors.None, ct) with { Outcomes = new PayoutOutcomes(done, outcomes) };
        return Show(model, status);
    }

    private async Task<PayoutQueueModel> ModelAsync(PayoutSelectionForm form, string? reference, FormErrors errors, CancellationToken ct)
    {
        var page = await queue.ListAsync(new PayoutQueueQuery { Status = form.Filter, Cursor = form.Cursor, Limit = 50 }, ct);
        return new PayoutQueueModel(page, form, reference, errors);
    }

    private IActionResult Show(PayoutQueueModel model, int status)
    {
        Response.StatusCode = status;
        return this.PageOrFragment("AdminPayouts", model, "_PayoutQueue", model);
    }
}
