using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>
/// Marking a payout paid from a page needs the payment's reference: the person at the screen has just sent the
/// money and has it, and a paid payout without one cannot be matched to the bank statement. The API keeps it
/// optional (<c>{reference?}</c>) for callers that record the payment elsewhere. Pages only; the service's rules
/// (state, suspension, audit) are the API's.
/// </summary>
public static class MarkPaidForm
{
    public const string Message = "Enter the payment's reference (the bank transfer or PayPal ID) before marking the payout paid.";

    /// <summary>The field of one payout's form, so the message shows beside that payout's reference and no other.</summary>
    public static string ReferenceField(Guid payoutId) => $"reference-{payoutId:D}";

    public static AppError? Check(Guid payoutId, string? reference) =>
        string.IsNullOrWhiteSpace(reference) ? AppError.Validation(ReferenceField(payoutId), Message) : null;
}
