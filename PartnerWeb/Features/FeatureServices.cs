using PartnerWeb.Features.Audit;
using PartnerWeb.Features.Auth;
using PartnerWeb.Features.Billing;
using PartnerWeb.Features.Marketplace;
using PartnerWeb.Features.Partners;
using PartnerWeb.Features.Resellers;
using PartnerWeb.Jobs;

namespace PartnerWeb.Features;

public static class FeatureServices
{
    /// <summary>Each feature's services, in one list.</summary>
    public static IServiceCollection AddPartnerWebFeatures(this IServiceCollection services)
    {
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditQueryService>();
        services.AddScoped<Admin.TenantDirectory>();
        services.AddScoped<AuthService>();
        services.AddScoped<PasswordService>();
        services.AddScoped<Users.UserService>();

        services.AddScoped<MarketplaceService>();
        services.AddScoped<MarketplaceCatalog>();

        services.AddOptions<StripeOptions>().BindConfiguration("Stripe");
        services.AddSingleton<StripeGateway>();
        services.AddScoped<CheckoutService>();
        services.AddScoped<InvoiceService>();
        services.AddScoped<InvoicePayments>();
        services.AddSingleton<PaymentBatcher>();
        services.AddScoped<InvoiceRefunds>();
        services.AddScoped<StripeTakeBacks>();
        services.AddScoped<StripeRefundRequests>();
        services.AddScoped<OverpaymentService>();
        services.AddScoped<AdminBillingCatalog>();
        services.AddScoped<Partners.PayoutSending>();
        services.AddScoped<Partners.PayoutReversals>();
        services.AddSingleton<IStripeAdjustmentEventHandler, RefundEventHandler>();
        services.AddSingleton<IStripeAdjustmentEventHandler, ChargeEventHandler>();
        services.AddSingleton<IStripeAdjustmentEventHandler, DisputeEventHandler>();
        services.AddSingleton<StripeEventReader>();
        services.AddScoped<StripeWebhookService>();
        services.AddScoped<StripeConnectWebhookService>();
        services.AddSingleton<IStripePaymentEventHandler, InvoicePaidHandler>();
        services.AddSingleton<IStripePaymentEventHandler, CheckoutSessionCompletedHandler>();
        services.AddSingleton<IStripePaymentEventHandler, PaymentIntentSucceededHandler>();

        services.AddScoped<ResellerService>();
        services.AddScoped<IAccrual, ResellerCommissionAccrual>();

        services.AddOptions<PartnerOptions>().BindConfiguration("Partners");
        services.AddScoped<PartnerAccess>();
        services.AddScoped<PartnerAccountService>();
        services.AddScoped<ListingService>();
        services.AddScoped<EarningService>();
        services.AddScoped<EarningDetails>();
        services.AddScoped<LedgerReader>();
        services.AddScoped<LedgerCheck>();
        services.AddScoped<PayoutService>();
        services.AddScoped<PayoutQueue>();
        services.AddScoped<StatementService>();
        services.AddScoped<PartnerStripeService>();
        services.AddScoped<StripeAccountUpdates>();
        services.AddScoped<IAccrual, PartnerEarningsAccrual>();
        services.AddScoped<Dashboards.DashboardSections>();
        services.AddSingleton<Dashboards.ChartCache>();

        services.AddScoped<Admin.DeadTaskService>();
        return services;
    }
}
