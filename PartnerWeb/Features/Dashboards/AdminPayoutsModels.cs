using System.ComponentModel.DataAnnotations;
using PartnerWeb.Domain;
using PartnerWeb.Features.Partners;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>The payouts ticked in the queue, and the page they were ticked on (status filter and cursor), to show it again.</summary>
public class PayoutSelectionForm
{
    [MinLength(1, ErrorMessage = "Select at least one payout.")]
    [MaxLength(PayoutQueue.MaxSelection, ErrorMessage = "Select at most {1} payouts at a time.")]
    public List<Guid> Ids { get; set; } = [];

    public string? Status { get; set; }
    public string? Cursor { get; set; }

    /// <summary>The status filter when it names a status of the queue; anything else shows the whole queue, as on the partners page.</summary>
    public PayoutStatus? Filter => Enum.TryParse<PayoutStatus>(Status, ignoreCase: true, out var status) && PayoutQueue.Statuses.Contains(status) ? status : null;
}

public sealed class PayoutMarkPaidForm : PayoutSelectionForm
{
    [PaymentReference]
    public string? Reference { get; set; }
}

/// <summary>A bulk action's outcomes, with the word for one that went through ("approved").</summary>
public sealed record PayoutOutcomes(string Done, IReadOnlyList<PayoutOutcome> Rows);

/// <summary>
/// The operator's payouts queue: a page of it, the bulk form as the operator left it (selection and reference
/// kept after a refusal), and what the last action did.
/// </summary>
public sealed record PayoutQueueModel(
    PayoutQueuePage Page, PayoutSelectionForm Form, string? Reference, FormErrors Errors, PayoutOutcomes? Outcomes = null, PayoutRun? Run = null)
{
    public const string BaseUrl = "/dashboard/admin/payouts";

    public string? Status => Form.Filter?.ToString().ToLowerInvariant();

    public string? NextUrl => Page.NextCursor is { } next
        ? $"{BaseUrl}?{(Status is null ? "" : $"status={Status}&")}cursor={Uri.EscapeDataString(next)}"
        : null;

    /// <summary>How many names of partners with nothing owed a run lists; the rest are counted.</summary>
    public const int NamesShown = 20;

    public bool Selected(Guid id) => Form.Ids.Contains(id);

    /// <summary>What is not shown beside the selection or the reference field.</summary>
    public FormErrors OtherErrors => Errors with
    {
        Fields = Errors.Fields.Where(f => f.Key is not ("ids" or "reference")).ToDictionary(f => f.Key, f => f.Value),
    };
}
