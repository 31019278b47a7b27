namespace PartnerWeb.Features.Audit;

/// <summary>The names of audit actions, one per kind of state change.</summary>
public static class AuditActions
{
    public const string MarketplaceItemCreated = "MARKETPLACE_ITEM_CREATED";
    public const string MarketplaceItemInstalled = "MARKETPLACE_ITEM_INSTALLED";
    public const string InvoiceCreated = "INVOICE_CREATED";
    public const string InvoicePaid = "INVOICE_PAID";
    public const string InvoiceCheckoutStarted = "INVOICE_CHECKOUT_STARTED";
    public const string InvoiceCheckoutEnded = "INVOICE_CHECKOUT_ENDED";
    public const string InvoiceVoided = "INVOICE_VOIDED";
    public const string InvoicePaymentMismatch = "INVOICE_PAYMENT_MISMATCH";
    public const string InvoiceRefunded = "INVOICE_REFUNDED";
    public const string InvoiceRefundFailed = "INVOICE_REFUND_FAILED";
    public const string InvoiceRefundRequested = "INVOICE_REFUND_REQUESTED";
    public const string InvoiceDisputed = "INVOICE_DISPUTED";
    public const string InvoiceDisputeReinstated = "INVOICE_DISPUTE_REINSTATED";
    public const string InvoiceOverpaid = "INVOICE_OVERPAID";
    public const string ResellerCreated = "RESELLER_CREATED";
    public const string ResellerTenantCreated = "RESELLER_TENANT_CREATED";
    public const string ResellerCommissionAccrued = "RESELLER_COMMISSION_ACCRUED";
    public const string PartnerApplied = "PARTNER_APPLIED";
    public const string PartnerApproved = "PARTNER_APPROVED";
    public const string PartnerSuspended = "PARTNER_SUSPENDED";
    public const string PartnerRejected = "PARTNER_REJECTED";
    public const string PartnerListingCreated = "PARTNER_LISTING_CREATED";
    public const string PartnerListingUpdated = "PARTNER_LISTING_UPDATED";
    public const string PartnerEarningAccrued = "PARTNER_EARNING_ACCRUED";
    public const string PartnerEarningReversed = "PARTNER_EARNING_REVERSED";
    public const string ResellerCommissionReversed = "RESELLER_COMMISSION_REVERSED";
    public const string PartnerPayoutGenerated = "PARTNER_PAYOUT_GENERATED";
    public const string PartnerPayoutApproved = "PARTNER_PAYOUT_APPROVED";
    public const string PartnerPayoutPaid = "PARTNER_PAYOUT_PAID";
    public const string PartnerUpdated = "PARTNER_UPDATED";
    public const string PartnerPayoutSending = "PARTNER_PAYOUT_SENDING";
    public const string PartnerPayoutSent = "PARTNER_PAYOUT_SENT";
    public const string PartnerPayoutFailed = "PARTNER_PAYOUT_FAILED";
    public const string PartnerPayoutReversed = "PARTNER_PAYOUT_REVERSED";

    /// <summary>The ledger check found running figures that differ from the entries (an alert; nothing was changed).</summary>
    public const string LedgerMismatch = "LEDGER_MISMATCH";
    public const string PartnerStripeAccountCreated = "PARTNER_STRIPE_ACCOUNT_CREATED";
    public const string PartnerStripeAccountUpdated = "PARTNER_STRIPE_ACCOUNT_UPDATED";
    public const string AccrualTaskDead = "ACCRUAL_TASK_DEAD";
    public const string AccrualTaskRetried = "ACCRUAL_TASK_RETRIED";

    /// <summary>Sign-out: the user's security stamp changed, so every token and cookie of theirs stopped working.</summary>
    public const string UserSignedOut = "USER_SIGNED_OUT";
    public const string UserCreated = "USER_CREATED";
    public const string UserRoleChanged = "USER_ROLE_CHANGED";
    public const string UserRemoved = "USER_REMOVED";
    public const string PasswordChanged = "PASSWORD_CHANGED";
}
