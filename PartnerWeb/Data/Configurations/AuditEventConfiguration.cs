using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.EntityType).HasMaxLength(64);
        // Keyset pages run newest first, optionally narrowed to one tenant, action or entity.
        builder.HasIndex(a => new { a.CreatedAt, a.Id });
        builder.HasIndex(a => new { a.TenantId, a.CreatedAt, a.Id });
        builder.HasIndex(a => new { a.Action, a.CreatedAt, a.Id });
        builder.HasIndex(a => new { a.EntityId, a.CreatedAt });
    }
}
