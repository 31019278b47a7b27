using PartnerWeb.Domain;

namespace PartnerWeb.Features.Billing;

/// <summary>Whether the signed-in user may pay by card here, and whether this server can take card payments at all.</summary>
public sealed record CardPayment(bool MayPay, bool StripeConfigured)
{
    public static readonly string NotConfiguredMessage = $"Card payments are not available: {StripeGateway.NotConfigured.Title}";

    /// <summary>The invoice can still be paid: the same state machine the payment itself obeys.</summary>
    public static bool Payable(InvoiceDto invoice) => StateMachines.Invoice.Allows(invoice.Status, InvoiceStatus.Paid);

    public bool Offers(InvoiceDto invoice) => MayPay && StripeConfigured && Payable(invoice);

    /// <summary>Someone who could pay it is told why there is no button, rather than left looking for one.</summary>
    public bool Unavailable(InvoiceDto invoice) => MayPay && !StripeConfigured && Payable(invoice);
}

public sealed record InvoiceListModel(IReadOnlyList<InvoiceDto> Invoices, bool IsOlderPage, string? NextCursor, CardPayment Card)
{
    public string? OlderUrl => NextCursor is null ? null : $"/billing/invoices?cursor={Uri.EscapeDataString(NextCursor)}";
}

/// <summary>How the customer came back from Stripe's Checkout page, from its <c>?checkout=</c>.</summary>
public enum CheckoutReturn { None, Success, Cancelled }

/// <summary>The invoice page and its fragment: everything the partial shows, so it reads no data itself.</summary>
public sealed record InvoicePageModel(InvoiceDto Invoice, CardPayment Card, CheckoutReturn Checkout, string? Error)
{
    public const string PollInterval = "every 2s";

    public static CheckoutReturn ReturnFrom(string? checkout) => checkout switch
    {
        "success" => CheckoutReturn.Success,
        "cancelled" => CheckoutReturn.Cancelled,
        _ => CheckoutReturn.None,
    };

    /// <summary>
    /// Stripe sent the customer back after paying, but its webhook has not paid the invoice yet: the page
    /// asks again until it has. Once the invoice is no longer payable the fragment carries no trigger, so polling stops.
    /// </summary>
    public bool Processing => Checkout == CheckoutReturn.Success && CardPayment.Payable(Invoice);

    public string Url => $"/billing/invoices/{Invoice.Id}";
    public string PollUrl => $"{Url}?checkout=success";

    public bool IsPaid => Invoice.PaidAt is not null;
}
