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
        // Exactly one commission per paid invoice, whatever the job does.
        builder.HasIndex(c => c.InvoiceId).IsUnique();
        builder.HasIndex(c => new { c.ResellerId, c.CreatedAt, c.Id });
    }
}
