using System.ComponentModel.DataAnnotations;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// Marking an invoice or a payout paid from a page needs the payment's reference: the person at the screen has
/// just moved the money and has it, and a payment without one cannot be matched to the bank statement. The API
/// keeps <c>{reference?}</c> optional for callers that record the payment elsewhere. One rule for every page form.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PaymentReferenceAttribute : ValidationAttribute
{
    public const int MaxLength = 200;
    public const string Missing = "Enter the payment's reference (such as the bank transfer's or PayPal's ID) before marking it paid.";
    public const string TooLong = "The payment's reference is at most 200 characters.";

    /// <summary>The message for a reference a page may not accept, or null.</summary>
    public static string? Problem(string? reference) =>
        string.IsNullOrWhiteSpace(reference) ? Missing : reference.Length > MaxLength ? TooLong : null;

    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        Problem(value as string) is { } message
            ? new ValidationResult(message, context.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
}
