using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerWeb.Domain;

namespace PartnerWeb.Data.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Number).HasMaxLength(32);
        builder.HasIndex(i => i.Number).IsUnique();
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(i => i.PaymentMethod).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.PaymentReference).HasMaxLength(200);
        builder.Property(i => i.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.TenantId, i.CreatedAt, i.Id });
        builder.HasIndex(i => new { i.CreatedAt, i.Id });
    }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> builder)
    {
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.Description).HasMaxLength(300);
        builder.HasOne<MarketplaceItem>().WithMany().HasForeignKey(l => l.MarketplaceItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AccrualTaskConfiguration : IEntityTypeConfiguration<AccrualTask>
{
    public void Configure(EntityTypeBuilder<AccrualTask> builder)
    {
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(t => t.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<InvoiceRefund>().WithMany().HasForeignKey(t => t.RefundId).OnDelete(DeleteBehavior.Restrict);
        // One accrual task per invoice and kind, one reversal task per refund and kind.
        builder.HasIndex(t => new { t.InvoiceId, t.Kind }).IsUnique().HasFilter("RefundId IS NULL").HasDatabaseName("IX_AccrualTasks_Accrual");
        // (Filtered explicitly: accrual tasks, whose RefundId is null, need no entry; SQL Server filtered it already.)
        builder.HasIndex(t => new { t.RefundId, t.Kind }).IsUnique().HasFilter("RefundId IS NOT NULL");
        builder.Property(t => t.LastError).HasMaxLength(AccrualTask.MaxErrorLength);
        // The reconcile job looks for open, live tasks only; completing a task (or its death) just removes its entry.
        builder.HasIndex(t => t.CreatedAt).HasFilter("CompletedAt IS NULL AND DeadAt IS NULL").HasDatabaseName("IX_AccrualTasks_Open");
        builder.HasIndex(t => new { t.CreatedAt, t.Id }).HasFilter("DeadAt IS NOT NULL AND CompletedAt IS NULL").HasDatabaseName("IX_AccrualTasks_Dead");
    }
}

internal sealed class ProcessedStripeEventConfiguration : IEntityTypeConfiguration<ProcessedStripeEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedStripeEvent> builder)
    {
        builder.HasKey(e => e.EventId);
        builder.Property(e => e.EventId).HasMaxLength(255);
        builder.Property(e => e.Type).HasMaxLength(100);
        builder.Property(e => e.Outcome).HasMaxLength(32);
    }
}

internal sealed class InvoiceRefundConfiguration : IEntityTypeConfiguration<InvoiceRefund>
{
    public void Configure(EntityTypeBuilder<InvoiceRefund> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(r => r.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.Property(r => r.ExternalKey).HasMaxLength(300);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(r => r.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<StripePaymentRecord>().WithMany().HasForeignKey(r => r.StripePaymentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.ExternalKey).IsUnique();
        builder.HasIndex(r => new { r.InvoiceId, r.CreatedAt });
    }
}

internal sealed class CheckoutSessionConfiguration : IEntityTypeConfiguration<CheckoutSession>
{
    public void Configure(EntityTypeBuilder<CheckoutSession> builder)
    {
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.StripeSessionId).HasMaxLength(255);
        // Stripe's Checkout URLs run to a few hundred characters.
        builder.Property(c => c.Url).HasMaxLength(2048);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(c => c.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        // One row per attempt: a concurrent start of the same attempt loses here and answers the winner's session.
        builder.HasIndex(c => new { c.InvoiceId, c.Attempt }).IsUnique();
        builder.HasIndex(c => c.StripeSessionId).IsUnique();
    }
}

internal sealed class StripePaymentRecordConfiguration : IEntityTypeConfiguration<StripePaymentRecord>
{
    public void Configure(EntityTypeBuilder<StripePaymentRecord> builder)
    {
        builder.ToTable("StripePayments");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.PaymentIntentId).HasMaxLength(255);
        builder.Property(p => p.ChargeId).HasMaxLength(255);
        builder.Property(p => p.EventId).HasMaxLength(255);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(p => p.Revision).IsConcurrencyToken();
        builder.HasOne<Invoice>().WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        // A payment is recorded once, whichever of its events came first; the others find it taken.
        builder.HasIndex(p => p.PaymentIntentId).IsUnique().HasFilter("PaymentIntentId IS NOT NULL");
        builder.HasIndex(p => p.ChargeId).IsUnique().HasFilter("ChargeId IS NOT NULL");
        builder.HasIndex(p => p.InvoiceId);
        builder.HasIndex(p => p.CreatedAt).HasFilter("Overpayment = 1").HasDatabaseName("IX_StripePayments_Overpayments");
    }
}

internal sealed class StripeAdjustmentConfiguration : IEntityTypeConfiguration<StripeAdjustment>
{
    public void Configure(EntityTypeBuilder<StripeAdjustment> builder)
    {
        builder.HasKey(a => a.ObjectId);
        builder.Property(a => a.ObjectId).HasMaxLength(255);
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.ChargeId).HasMaxLength(255);
        builder.Property(a => a.PaymentIntentId).HasMaxLength(255);
        builder.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(a => a.Status).HasMaxLength(32);
        builder.Property(a => a.RequestKey).HasMaxLength(300);
        builder.Property(a => a.RequestHash).HasMaxLength(64);
        builder.Property(a => a.Revision).IsConcurrencyToken();
        builder.HasIndex(a => a.RequestKey).IsUnique().HasFilter("RequestKey IS NOT NULL");
        builder.HasOne<StripePaymentRecord>().WithMany().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Restrict);
        // A payment finds what takes money back from it by either id, whichever the object named.
        builder.HasIndex(a => a.ChargeId).HasFilter("ChargeId IS NOT NULL");
        builder.HasIndex(a => a.PaymentIntentId).HasFilter("PaymentIntentId IS NOT NULL");
        // Parked rows, waiting for their payment: what the reconcile job looks at.
        builder.HasIndex(a => a.UpdatedAt).HasFilter("PaymentId IS NULL").HasDatabaseName("IX_StripeAdjustments_Parked");
    }
}
