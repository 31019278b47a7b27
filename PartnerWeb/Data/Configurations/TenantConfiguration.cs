using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.HasIndex(t => t.Name).IsUnique();
        // At most one platform tenant; the filter is plain SQL both providers accept.
        builder.HasIndex(t => t.IsPlatform).IsUnique().HasFilter("IsPlatform = 1");
        builder.HasOne<ResellerAccount>().WithMany().HasForeignKey(t => t.ResellerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.ResellerId, t.CreatedAt });
    }
}
