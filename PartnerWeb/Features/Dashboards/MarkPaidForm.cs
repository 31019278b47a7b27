using PartnerWeb.Infrastructure;

namespace PartnerWeb.Features.Dashboards;

/// <summary>One payout's mark-paid form on a partner's page: <see cref="PaymentReferenceAttribute"/>'s rule, keyed to that payout.</summary>
public static class MarkPaidForm
{

    /// <summary>The field of one payout's form, so the message shows beside that payout's reference and no other.</summary>
    public static string ReferenceField(Guid payoutId) => $"reference-{payoutId:D}";

    public static AppError? Check(Guid payoutId, string? reference) =>
        PaymentReferenceAttribute.Problem(reference) is { } message ? AppError.Validation(ReferenceField(payoutId), message) : null;
}
