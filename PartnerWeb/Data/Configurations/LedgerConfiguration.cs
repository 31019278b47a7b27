using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class PartnerLedgerTotalConfiguration : IEntityTypeConfiguration<PartnerLedgerTotal>
{
    public void Configure(EntityTypeBuilder<PartnerLedgerTotal> builder)
    {
        builder.ToTable("PartnerLedgerTotals");
        builder.HasKey(t => new { t.PartnerId, t.Currency });
        builder.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
        builder.Ignore(t => t.Figures);
        builder.HasOne<PartnerAccount>().WithMany().HasForeignKey(t => t.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PartnerLedgerDayConfiguration : IEntityTypeConfiguration<PartnerLedgerDay>
{
    public void Configure(EntityTypeBuilder<PartnerLedgerDay> builder)
    {
        builder.ToTable("PartnerLedgerDays");
        // A period's days are one range of this key; so are the days after today that hold payable money back.
        builder.HasKey(d => new { d.PartnerId, d.Currency, d.Day });
        builder.Property(d => d.Currency).HasMaxLength(3).IsFixedLength();
        builder.Ignore(d => d.Figures);
        builder.HasOne<PartnerAccount>().WithMany().HasForeignKey(d => d.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }
}
