using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> builder)
    {
        builder.HasKey(w => w.Key);
        builder.Property(w => w.Key).HasMaxLength(200);
        builder.HasIndex(w => w.ExpiresAt);
    }
}
