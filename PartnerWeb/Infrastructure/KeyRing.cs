using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using PartnerWeb.Data;

namespace PartnerWeb.Infrastructure;

/// <summary><c>DataProtection:*</c>: the certificate that encrypts the key ring, and the explicit opt-out.</summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Outside Development, keys stored in the clear must be asked for by name.</summary>
    public bool AllowUnprotectedKeys { get; set; }
}

/// <summary>
/// Data Protection's key ring signs the login cookie, bearer tokens and antiforgery tokens, and it lives in
/// the database (DataProtectionKeys, shared by every instance). Whoever can read that table in the clear could
/// mint tokens, so with <c>DataProtection:CertificatePath</c> each key is stored encrypted to that certificate.
/// </summary>
public static class KeyRing
{
    public static WebApplicationBuilder AddPartnerWebDataProtection(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var dataProtection = services.AddDataProtection().SetApplicationName("PartnerWeb").PersistKeysToDbContext<AppDbContext>();
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section);
        // The certificate is needed while services are registered; a wrong path or password stops start-up here.
        if (Load(builder.Configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new()) is { } certificate)
            dataProtection.ProtectKeysWithCertificate(certificate);
        return builder;
    }

    private static X509Certificate2? Load(KeyRingOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.CertificatePath)) return null;
        if (!File.Exists(o.CertificatePath))
            throw new InvalidOperationException($"DataProtection:CertificatePath: no file at '{o.CertificatePath}'.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath, o.CertificatePassword);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException(
                $"DataProtection:CertificatePath: '{o.CertificatePath}' is not a PKCS#12 file that DataProtection:CertificatePassword opens ({e.Message}).", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"DataProtection:CertificatePath: '{o.CertificatePath}' holds no private key; keys could be encrypted but never read back.");
        return certificate;
    }
}
