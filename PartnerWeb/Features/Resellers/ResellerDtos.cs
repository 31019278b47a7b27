using System.ComponentModel.DataAnnotations;
using PartnerWeb.Domain;

namespace PartnerWeb.Features.Resellers;

public sealed class CreateResellerRequest
{
    [Required]
    public Guid? TenantId { get; init; }

    /// <summary>0–100 with at most two decimals.</summary>
    [Required]
    public decimal? MarginPercent { get; init; }
}

public sealed class CreateChildTenantRequest
{
    [Required, StringLength(200)]
    public string? Name { get; init; }

    [Required, EmailAddress, StringLength(254)]
    public string? OwnerEmail { get; init; }

    /// <summary>Checked by <see cref="PasswordPolicy"/>; the owner must replace it at first sign-in.</summary>
    [Required]
    public string? OwnerPassword { get; init; }
}

public sealed record ResellerDto(Guid Id, Guid TenantId, decimal MarginPercent, DateTime CreatedAt)
{
    public static ResellerDto From(ResellerAccount r) => new(r.Id, r.TenantId, r.MarginPercent, r.CreatedAt);
}

public sealed record ChildTenantDto(Guid Id, string Name, Guid ResellerId, DateTime CreatedAt)
{
    public static ChildTenantDto From(Tenant t) => new(t.Id, t.Name, t.ResellerId!.Value, t.CreatedAt);
}

public sealed record ChildTenantCreated(ChildTenantDto Tenant, Guid OwnerUserId, string OwnerEmail);

public sealed record ResellerCommissionDto(
    Guid Id, Guid ResellerId, Guid InvoiceId, Guid TenantId, string Currency, long InvoiceTotal,
    decimal MarginPercent, long Amount, DateTime CreatedAt)
{
    public static ResellerCommissionDto From(ResellerCommission c) =>
        new(c.Id, c.ResellerId, c.InvoiceId, c.TenantId, c.Currency, c.InvoiceTotal, c.MarginPercent, c.Amount, c.CreatedAt);
}
