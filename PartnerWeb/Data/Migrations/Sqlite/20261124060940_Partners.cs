using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Partners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PartnerAccounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContactEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Country = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 2, nullable: false),
                    PayoutPreferences = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerAccounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PartnerAccounts_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PartnerListings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MarketplaceItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommissionType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CommissionPercent = table.Column<decimal>(type: "TEXT", precision: 5, scale: 2, nullable: false),
                    CommissionFixedAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PayoutMethod = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    PayoutDetails = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ApprovedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PaidAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    GrossAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    CommissionAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    PartnerNet = table.Column<long>(type: "INTEGER", nullable: false),
                    PayoutId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerEarnings", x => x.Id);
                    table.CheckConstraint("CK_PartnerEarnings_Balance", "GrossAmount = CommissionAmount + PartnerNet");
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
                        name: "FK_PartnerEarnings_PartnerPayouts_PayoutId",
                        column: x => x.PayoutId,
                        principalTable: "PartnerPayouts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

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
                name: "IX_PartnerEarnings_InvoiceId_PartnerId",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PartnerId_CreatedAt_Id",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "PayoutId", "Currency" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PayoutId",
                table: "PartnerEarnings",
                column: "PayoutId");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerEarnings");

            migrationBuilder.DropTable(
                name: "PartnerListings");

            migrationBuilder.DropTable(
                name: "PartnerPayouts");

            migrationBuilder.DropTable(
                name: "PartnerAccounts");
        }
    }
}
