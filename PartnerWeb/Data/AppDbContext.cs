using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PartnerWeb.Domain;

namespace PartnerWeb.Data;

/// <summary>
/// The one model. Each provider has a thin subclass so that each keeps its own migrations
/// (<see cref="SqliteAppDbContext"/>, <see cref="SqlServerAppDbContext"/>, <see cref="PostgreSqlAppDbContext"/>).
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<MarketplaceItem> MarketplaceItems => Set<MarketplaceItem>();
    public DbSet<MarketplaceInstall> MarketplaceInstalls => Set<MarketplaceInstall>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();
    public DbSet<AccrualTask> AccrualTasks => Set<AccrualTask>();
    public DbSet<InvoiceRefund> InvoiceRefunds => Set<InvoiceRefund>();
    public DbSet<ProcessedStripeEvent> ProcessedStripeEvents => Set<ProcessedStripeEvent>();
    public DbSet<CheckoutSession> CheckoutSessions => Set<CheckoutSession>();
    public DbSet<StripePaymentRecord> StripePayments => Set<StripePaymentRecord>();
    public DbSet<StripeAdjustment> StripeAdjustments => Set<StripeAdjustment>();
    public DbSet<ResellerAccount> ResellerAccounts => Set<ResellerAccount>();
    public DbSet<ResellerCommission> ResellerCommissions => Set<ResellerCommission>();
    public DbSet<PartnerAccount> PartnerAccounts => Set<PartnerAccount>();
    public DbSet<PartnerListing> PartnerListings => Set<PartnerListing>();
    public DbSet<PartnerEarning> PartnerEarnings => Set<PartnerEarning>();
    public DbSet<PartnerPayout> PartnerPayouts => Set<PartnerPayout>();
    public DbSet<PartnerLedgerTotal> PartnerLedgerTotals => Set<PartnerLedgerTotal>();
    public DbSet<PartnerLedgerDay> PartnerLedgerDays => Set<PartnerLedgerDay>();
    public DbSet<PartnerStripeAccount> PartnerStripeAccounts => Set<PartnerStripeAccount>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<RateLimitWindow> RateLimitWindows => Set<RateLimitWindow>();
    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();

    /// <summary>The <see cref="SqliteWriteGate"/> this context's open transaction holds, if any.</summary>
    internal SemaphoreSlim? HeldWriteGate;

    /// <summary>
    /// Entries added to the ledger add their figures to the running ones (<see cref="LedgerSql"/>) in the same
    /// transaction, after the entries themselves were written, so a save that fails adds nothing. Outside a
    /// transaction the two could commit apart; that is refused.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changes = LedgerChangesToSave();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (changes is not null) await LedgerSql.AddAsync(Database, changes, cancellationToken);
        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var changes = LedgerChangesToSave();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (changes is not null) LedgerSql.Add(Database, changes);
        return saved;
    }

    private LedgerChanges? LedgerChangesToSave()
    {
        var added = ChangeTracker.Entries<PartnerEarning>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0) return null;
        if (Database.CurrentTransaction is null)
            throw new InvalidOperationException("Ledger entries are written inside a transaction (UnitOfWork), with their running figures.");
        return LedgerChanges.Of(added);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Providers hand DateTime back as Unspecified; everything stored here is UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(18, 4);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options);

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options);

public sealed class PostgreSqlAppDbContext(DbContextOptions<PostgreSqlAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        PostgreSqlIdentifiers.QuoteRawSql(modelBuilder);
    }
}
