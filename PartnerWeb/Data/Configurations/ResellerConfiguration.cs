using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class ResellerAccountConfiguration : IEntityTypeConfiguration<ResellerAccount>
{
    public void Configure(EntityTypeBuilder<ResellerAccount> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.MarginPercent).HasPrecision(5, 2);
        builder.HasOne<Tenant>().WithOne().HasForeignKey<ResellerAccount>(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.TenantId).IsUnique();
    }
}

internal sealed class ResellerCommissionConfiguration : IEntityTypeConfiguration<ResellerCommission>
{
    public void Configure(EntityTypeBuilder<ResellerCommission> builder)
    {
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.MarginPercent).HasPrecision(5, 2);
        builder.Property(c => c.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasOne<ResellerAccount>().WithMany().HasForeignKey(c => c.ResellerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(c => c.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<ResellerCommission>().WithMany().HasForeignKey(c => c.ReversesCommissionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<InvoiceRefund>().WithMany().HasForeignKey(c => c.RefundId).OnDelete(DeleteBehavior.Restrict);
        // Exactly one commission per paid invoice and one reversal per refund, whatever the job does.
        builder.HasIndex(c => c.InvoiceId).IsUnique().HasFilter("Kind = 'Accrual'").HasDatabaseName("IX_ResellerCommissions_Accrual");
        builder.HasIndex(c => new { c.InvoiceId, c.Kind, c.RefundId }).IsUnique();
        builder.HasIndex(c => new { c.ResellerId, c.CreatedAt, c.Id });
    }
}
