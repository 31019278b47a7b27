using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PartnerWeb.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: true),
                    ActorUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EntityType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EntityId = table.Column<Guid>(type: "uuid", nullable: false),
                    Data = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProcessedStripeEvents",
                columns: table => new
                {
                    EventId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedStripeEvents", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "AccrualTasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RefundId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccrualTasks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InvoiceLines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    MarketplaceItemId = table.Column<Guid>(type: "uuid", nullable: true),
                    Description = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    UnitAmount = table.Column<long>(type: "bigint", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceLines", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InvoiceRefunds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    CumulativeRefunded = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ExternalKey = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ActorUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceRefunds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Invoices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    RefundedAmount = table.Column<long>(type: "bigint", nullable: false),
                    PaymentMethod = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    PaymentReference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PaidAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invoices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MarketplaceInstalls",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    MarketplaceItemId = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MarketplaceInstalls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MarketplaceInstalls_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MarketplaceItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Price = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    PublisherTenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MarketplaceItems", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PartnerAccounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContactEmail = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    PayoutPreferences = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerAccounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PartnerListings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PartnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    MarketplaceItemId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommissionType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CommissionPercent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    CommissionFixedAmount = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerListings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PartnerListings_MarketplaceItems_MarketplaceItemId",
                        column: x => x.MarketplaceItemId,
                        principalTable: "MarketplaceItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PartnerListings_PartnerAccounts_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "PartnerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PartnerPayouts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PartnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PayoutMethod = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    PayoutDetails = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    GeneratedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    ApprovedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PaidAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerPayouts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PartnerPayouts_PartnerAccounts_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "PartnerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PartnerEarnings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PartnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReversesEarningId = table.Column<Guid>(type: "uuid", nullable: true),
                    RefundId = table.Column<Guid>(type: "uuid", nullable: true),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    GrossAmount = table.Column<long>(type: "bigint", nullable: false),
                    CommissionAmount = table.Column<long>(type: "bigint", nullable: false),
                    PartnerNet = table.Column<long>(type: "bigint", nullable: false),
                    PayoutId = table.Column<Guid>(type: "uuid", nullable: true),
                    PayableAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerEarnings", x => x.Id);
                    table.CheckConstraint("CK_PartnerEarnings_Balance", "\"GrossAmount\" = \"CommissionAmount\" + \"PartnerNet\"");
                    table.ForeignKey(
                        name: "FK_PartnerEarnings_InvoiceRefunds_RefundId",
                        column: x => x.RefundId,
                        principalTable: "InvoiceRefunds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PartnerEarnings_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PartnerEarnings_PartnerAccounts_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "PartnerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PartnerEarnings_PartnerEarnings_ReversesEarningId",
                        column: x => x.ReversesEarningId,
                        principalTable: "PartnerEarnings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PartnerEarnings_PartnerPayouts_PayoutId",
                        column: x => x.PayoutId,
                        principalTable: "PartnerPayouts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ResellerAccounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    MarginPercent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResellerAccounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ResellerCommissions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ResellerId = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReversesCommissionId = table.Column<Guid>(type: "uuid", nullable: true),
                    RefundId = table.Column<Guid>(type: "uuid", nullable: true),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    InvoiceTotal = table.Column<long>(type: "bigint", nullable: false),
                    MarginPercent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResellerCommissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResellerCommissions_InvoiceRefunds_RefundId",
                        column: x => x.RefundId,
                        principalTable: "InvoiceRefunds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResellerCommissions_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResellerCommissions_ResellerAccounts_ResellerId",
                        column: x => x.ResellerId,
                        principalTable: "ResellerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ResellerCommissions_ResellerCommissions_ReversesCommissionId",
                        column: x => x.ReversesCommissionId,
                        principalTable: "ResellerCommissions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Tenants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IsPlatform = table.Column<bool>(type: "boolean", nullable: false),
                    ResellerId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tenants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Tenants_ResellerAccounts_ResellerId",
                        column: x => x.ResellerId,
                        principalTable: "ResellerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Users",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    PasswordHash = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Users", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Users_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Accrual",
                table: "AccrualTasks",
                columns: new[] { "InvoiceId", "Kind" },
                unique: true,
                filter: "\"RefundId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks",
                column: "CreatedAt",
                filter: "\"CompletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks",
                columns: new[] { "RefundId", "Kind" },
                unique: true,
                filter: "\"RefundId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Action_CreatedAt_Id",
                table: "AuditEvents",
                columns: new[] { "Action", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_CreatedAt_Id",
                table: "AuditEvents",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_EntityId_CreatedAt",
                table: "AuditEvents",
                columns: new[] { "EntityId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_TenantId_CreatedAt_Id",
                table: "AuditEvents",
                columns: new[] { "TenantId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceLines_InvoiceId",
                table: "InvoiceLines",
                column: "InvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceLines_MarketplaceItemId",
                table: "InvoiceLines",
                column: "MarketplaceItemId");

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceRefunds_ExternalKey",
                table: "InvoiceRefunds",
                column: "ExternalKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceRefunds_InvoiceId_CreatedAt",
                table: "InvoiceRefunds",
                columns: new[] { "InvoiceId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_CreatedAt_Id",
                table: "Invoices",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Number",
                table: "Invoices",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_TenantId_CreatedAt_Id",
                table: "Invoices",
                columns: new[] { "TenantId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceInstalls_InvoiceId",
                table: "MarketplaceInstalls",
                column: "InvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceInstalls_MarketplaceItemId",
                table: "MarketplaceInstalls",
                column: "MarketplaceItemId");

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceInstalls_TenantId_CreatedAt_Id",
                table: "MarketplaceInstalls",
                columns: new[] { "TenantId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceItems_CreatedAt_Id",
                table: "MarketplaceItems",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceItems_PublisherTenantId_CreatedAt",
                table: "MarketplaceItems",
                columns: new[] { "PublisherTenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerAccounts_CreatedAt_Id",
                table: "PartnerAccounts",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerAccounts_Status_CreatedAt_Id",
                table: "PartnerAccounts",
                columns: new[] { "Status", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerAccounts_TenantId",
                table: "PartnerAccounts",
                column: "TenantId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_Accrual",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId" },
                unique: true,
                filter: "\"Kind\" = 'Accrual'");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId", "Kind", "RefundId" },
                unique: true,
                filter: "\"RefundId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PartnerId_CreatedAt_Id",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_Payout",
                table: "PartnerEarnings",
                columns: new[] { "PayoutId", "PartnerNet" },
                filter: "\"PayoutId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings",
                column: "RefundId",
                filter: "\"RefundId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings",
                column: "ReversesEarningId",
                filter: "\"ReversesEarningId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_Unattached",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "Currency", "PayableAt", "PartnerNet" },
                filter: "\"PayoutId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerListings_MarketplaceItemId",
                table: "PartnerListings",
                column: "MarketplaceItemId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerListings_PartnerId_CreatedAt_Id",
                table: "PartnerListings",
                columns: new[] { "PartnerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerPayouts_PartnerId_CreatedAt_Id",
                table: "PartnerPayouts",
                columns: new[] { "PartnerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerPayouts_Status_CreatedAt",
                table: "PartnerPayouts",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ResellerAccounts_TenantId",
                table: "ResellerAccounts",
                column: "TenantId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_Accrual",
                table: "ResellerCommissions",
                column: "InvoiceId",
                unique: true,
                filter: "\"Kind\" = 'Accrual'");

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_InvoiceId_Kind_RefundId",
                table: "ResellerCommissions",
                columns: new[] { "InvoiceId", "Kind", "RefundId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_RefundId",
                table: "ResellerCommissions",
                column: "RefundId");

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_ResellerId_CreatedAt_Id",
                table: "ResellerCommissions",
                columns: new[] { "ResellerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_ReversesCommissionId",
                table: "ResellerCommissions",
                column: "ReversesCommissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_IsPlatform",
                table: "Tenants",
                column: "IsPlatform",
                unique: true,
                filter: "\"IsPlatform\"");

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_Name",
                table: "Tenants",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_ResellerId_CreatedAt",
                table: "Tenants",
                columns: new[] { "ResellerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email",
                table: "Users",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_TenantId",
                table: "Users",
                column: "TenantId");

            migrationBuilder.AddForeignKey(
                name: "FK_AccrualTasks_InvoiceRefunds_RefundId",
                table: "AccrualTasks",
                column: "RefundId",
                principalTable: "InvoiceRefunds",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_AccrualTasks_Invoices_InvoiceId",
                table: "AccrualTasks",
                column: "InvoiceId",
                principalTable: "Invoices",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_InvoiceLines_Invoices_InvoiceId",
                table: "InvoiceLines",
                column: "InvoiceId",
                principalTable: "Invoices",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_InvoiceLines_MarketplaceItems_MarketplaceItemId",
                table: "InvoiceLines",
                column: "MarketplaceItemId",
                principalTable: "MarketplaceItems",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_InvoiceRefunds_Invoices_InvoiceId",
                table: "InvoiceRefunds",
                column: "InvoiceId",
                principalTable: "Invoices",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Invoices_Tenants_TenantId",
                table: "Invoices",
                column: "TenantId",
                principalTable: "Tenants",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_MarketplaceInstalls_MarketplaceItems_MarketplaceItemId",
                table: "MarketplaceInstalls",
                column: "MarketplaceItemId",
                principalTable: "MarketplaceItems",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_MarketplaceInstalls_Tenants_TenantId",
                table: "MarketplaceInstalls",
                column: "TenantId",
                principalTable: "Tenants",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_MarketplaceItems_Tenants_PublisherTenantId",
                table: "MarketplaceItems",
                column: "PublisherTenantId",
                principalTable: "Tenants",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_PartnerAccounts_Tenants_TenantId",
                table: "PartnerAccounts",
                column: "TenantId",
                principalTable: "Tenants",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ResellerAccounts_Tenants_TenantId",
                table: "ResellerAccounts",
                column: "TenantId",
                principalTable: "Tenants",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ResellerAccounts_Tenants_TenantId",
                table: "ResellerAccounts");

            migrationBuilder.DropTable(
                name: "AccrualTasks");

            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "InvoiceLines");

            migrationBuilder.DropTable(
                name: "MarketplaceInstalls");

            migrationBuilder.DropTable(
                name: "PartnerEarnings");

            migrationBuilder.DropTable(
                name: "PartnerListings");

            migrationBuilder.DropTable(
                name: "ProcessedStripeEvents");

            migrationBuilder.DropTable(
                name: "ResellerCommissions");

            migrationBuilder.DropTable(
                name: "Users");

            migrationBuilder.DropTable(
                name: "PartnerPayouts");

            migrationBuilder.DropTable(
                name: "MarketplaceItems");

            migrationBuilder.DropTable(
                name: "InvoiceRefunds");

            migrationBuilder.DropTable(
                name: "PartnerAccounts");

            migrationBuilder.DropTable(
                name: "Invoices");

            migrationBuilder.DropTable(
                name: "Tenants");

            migrationBuilder.DropTable(
                name: "ResellerAccounts");
        }
    }
}
