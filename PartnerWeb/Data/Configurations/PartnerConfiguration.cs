using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class PartnerAccountConfiguration : IEntityTypeConfiguration<PartnerAccount>
{
    public void Configure(EntityTypeBuilder<PartnerAccount> builder)
    {
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.DisplayName).HasMaxLength(200);
        builder.Property(p => p.ContactEmail).HasMaxLength(254);
        builder.Property(p => p.Country).HasMaxLength(2).IsFixedLength();
        builder.Property(p => p.PayoutPreferences).HasMaxLength(4000);
        builder.HasOne<Tenant>().WithOne().HasForeignKey<PartnerAccount>(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.TenantId).IsUnique();
        builder.HasIndex(p => new { p.Status, p.CreatedAt, p.Id });
        builder.HasIndex(p => new { p.CreatedAt, p.Id });
    }
}

internal sealed class PartnerListingConfiguration : IEntityTypeConfiguration<PartnerListing>
{
    public void Configure(EntityTypeBuilder<PartnerListing> builder)
    {
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.CommissionType).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.CommissionPercent).HasPrecision(5, 2);
        builder.Property(l => l.Status).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(l => l.Rule);
        builder.HasOne<PartnerAccount>().WithMany().HasForeignKey(l => l.PartnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<MarketplaceItem>().WithOne().HasForeignKey<PartnerListing>(l => l.MarketplaceItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(l => l.MarketplaceItemId).IsUnique();
        builder.HasIndex(l => new { l.PartnerId, l.CreatedAt, l.Id });
    }
}

internal sealed class PartnerEarningConfiguration : IEntityTypeConfiguration<PartnerEarning>
{
    public void Configure(EntityTypeBuilder<PartnerEarning> builder)
    {
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasOne<PartnerAccount>().WithMany().HasForeignKey(e => e.PartnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(e => e.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PartnerPayout>().WithMany().HasForeignKey(e => e.PayoutId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PartnerEarning>().WithMany().HasForeignKey(e => e.ReversesEarningId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<InvoiceRefund>().WithMany().HasForeignKey(e => e.RefundId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PartnerPayout>().WithMany().HasForeignKey(e => e.ReturnsPayoutId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => e.ReturnsPayoutId).HasFilter("ReturnsPayoutId IS NOT NULL");
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        // Exactly one accrual per partner per invoice, and one reversal per partner per refund,
        // whatever the jobs do. (The filtered index covers accruals, whose RefundId is null.)
        builder.HasIndex(e => new { e.InvoiceId, e.PartnerId }).IsUnique().HasFilter("Kind = 'Accrual'").HasDatabaseName("IX_PartnerEarnings_Accrual");
        builder.HasIndex(e => new { e.InvoiceId, e.PartnerId, e.Kind, e.RefundId }).IsUnique().HasFilter("RefundId IS NOT NULL");
        // Reversal links, for their foreign keys. Accruals (most rows) have neither, so they get no entries.
        builder.HasIndex(e => e.RefundId).HasFilter("RefundId IS NOT NULL");
        builder.HasIndex(e => e.ReversesEarningId).HasFilter("ReversesEarningId IS NOT NULL");
        // Lists and date filters per partner.
        builder.HasIndex(e => new { e.PartnerId, e.CreatedAt, e.Id });
        // The entries no payout has taken yet, per partner and currency (payout generation, balances; covering
        // both). Partial, so attaching an entry to a payout only removes it from here...
        builder.HasIndex(e => new { e.PartnerId, e.Currency, e.PayableAt, e.PartnerNet }).HasFilter("PayoutId IS NULL")
            .HasDatabaseName("IX_PartnerEarnings_Unattached");
        // ...and adds it here: a payout's entries (its amount, its statement). Attaching a million entries
        // moves one index entry per row instead of two.
        builder.HasIndex(e => new { e.PayoutId, e.PartnerNet }).HasFilter("PayoutId IS NOT NULL").HasDatabaseName("IX_PartnerEarnings_Payout");
        builder.ToTable(t => t.HasCheckConstraint("CK_PartnerEarnings_Balance", "GrossAmount = CommissionAmount + PartnerNet"));
    }
}

internal sealed class PartnerPayoutConfiguration : IEntityTypeConfiguration<PartnerPayout>
{
    /// <summary>The payouts that wait for an operator; <c>PayoutQueue.NeedsAction</c> names the same constants.</summary>
    internal const string QueueFilter = "Status IN ('Owed', 'Approved', 'Processing', 'Failed')";

    public void Configure(EntityTypeBuilder<PartnerPayout> builder)
    {
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.PayoutMethod).HasMaxLength(50);
        builder.Property(p => p.PayoutDetails).HasMaxLength(4000);
        builder.Property(p => p.Reference).HasMaxLength(200);
        builder.Property(p => p.FailureMessage).HasMaxLength(PartnerPayout.MaxFailureMessageLength);
        builder.HasOne<PartnerAccount>().WithMany().HasForeignKey(p => p.PartnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.PartnerId, p.CreatedAt, p.Id });
        // The operator's queue (what waits for action, newest first, one status or all), its totals per status and
        // currency, and "send all approved", read from this index alone. Partial, so it holds the few payouts
        // waiting, not the many paid ones; it replaced (Status, CreatedAt), which SQLite preferred for the queue's
        // status list and then sorted every waiting payout for each page.
        builder.HasIndex(p => new { p.CreatedAt, p.Id, p.Status, p.Currency, p.Amount })
            .HasFilter(QueueFilter).HasDatabaseName("IX_PartnerPayouts_Queue");
    }
}

internal sealed class PartnerStripeAccountConfiguration : IEntityTypeConfiguration<PartnerStripeAccount>
{
    public void Configure(EntityTypeBuilder<PartnerStripeAccount> builder)
    {
        builder.ToTable("PartnerStripeAccounts");
        builder.HasKey(a => a.PartnerId);
        builder.Property(a => a.AccountId).HasMaxLength(255);
        builder.Property(a => a.RequirementsDue).HasMaxLength(PartnerStripeAccount.MaxRequirementsLength);
        builder.Property(a => a.DisabledReason).HasMaxLength(PartnerStripeAccount.MaxDisabledReasonLength);
        builder.HasOne<PartnerAccount>().WithOne().HasForeignKey<PartnerStripeAccount>(a => a.PartnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.AccountId).IsUnique();
    }
}
