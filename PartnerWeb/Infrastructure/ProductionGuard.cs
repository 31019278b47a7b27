using Microsoft.Extensions.Options;
using PartnerWeb.Data;
using PartnerWeb.Features.Billing;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// Outside Development the app refuses to start with what only a developer's machine may have: the public
/// webhook secrets of appsettings.Development.json, the demo accounts (one known password), or a key ring
/// stored in the clear without <c>DataProtection:AllowUnprotectedKeys=true</c>. One message lists every problem.
/// </summary>
public static class ProductionGuard
{
    /// <summary>The values of appsettings.Development.json; anyone who has the source can sign events with them.</summary>
    public const string DevelopmentWebhookSecret = "whsec_dev_partnerweb_local_secret";
    public const string DevelopmentConnectWebhookSecret = "whsec_dev_partnerweb_local_connect_secret";

    public static void EnforceProductionGuard(this WebApplication app)
    {
        if (app.Environment.IsDevelopment()) return;
        var services = app.Services;
        var problems = Problems(
            services.GetRequiredService<IOptions<StripeOptions>>().Value,
            services.GetRequiredService<IOptions<SeedOptions>>().Value,
            services.GetRequiredService<IOptions<KeyRingOptions>>().Value);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"PartnerWeb will not start in the {app.Environment.EnvironmentName} environment:{Environment.NewLine}"
                + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));
        }

        if (string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<KeyRingOptions>>().Value.CertificatePath))
        {
            app.Logger.LogWarning("The Data Protection key ring is stored unencrypted (DataProtection:AllowUnprotectedKeys=true): "
                + "whoever reads the DataProtectionKeys table can forge sign-ins. Set DataProtection:CertificatePath.");
        }
        if (app.Configuration["AllowedHosts"] is null or "*")
            app.Logger.LogWarning("AllowedHosts is '*': requests for any host name are served. List this site's host names.");
    }

    public static List<string> Problems(StripeOptions stripe, SeedOptions seed, KeyRingOptions keys)
    {
        var problems = new List<string>();
        if (stripe.WebhookSecret == DevelopmentWebhookSecret)
            problems.Add("Stripe:WebhookSecret is the development secret, which is public; set the endpoint's own secret.");
        if (stripe.ConnectWebhookSecret == DevelopmentConnectWebhookSecret)
            problems.Add("Stripe:ConnectWebhookSecret is the development secret, which is public; set the endpoint's own secret.");
        if (seed.Demo)
            problems.Add("Seed:Demo is true: the demo accounts share one known password. Set Seed:Demo=false.");
        if (string.IsNullOrWhiteSpace(keys.CertificatePath) && !keys.AllowUnprotectedKeys)
            problems.Add("The Data Protection key ring would be stored unencrypted. Set DataProtection:CertificatePath "
                + "(and DataProtection:CertificatePassword) to a PKCS#12 certificate, or DataProtection:AllowUnprotectedKeys=true to accept the risk.");
        return problems;
    }
}
