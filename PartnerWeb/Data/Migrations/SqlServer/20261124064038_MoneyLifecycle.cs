using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class MoneyLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ResellerCommissions_InvoiceId",
                table: "ResellerCommissions");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_InvoiceId_Kind",
                table: "AccrualTasks");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "ResellerCommissions",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Accrual");

            migrationBuilder.AddColumn<Guid>(
                name: "RefundId",
                table: "ResellerCommissions",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReversesCommissionId",
                table: "ResellerCommissions",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "GeneratedByUserId",
                table: "PartnerPayouts",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "PartnerEarnings",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Accrual");

            migrationBuilder.AddColumn<DateTime>(
                name: "PayableAt",
                table: "PartnerEarnings",
                type: "datetime2",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Existing earnings were payable when they were created: there was no hold period before.
            migrationBuilder.Sql("UPDATE PartnerEarnings SET PayableAt = CreatedAt");

            migrationBuilder.AddColumn<Guid>(
                name: "RefundId",
                table: "PartnerEarnings",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReversesEarningId",
                table: "PartnerEarnings",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RefundedAmount",
                table: "Invoices",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<Guid>(
                name: "RefundId",
                table: "AccrualTasks",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InvoiceRefunds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    CumulativeRefunded = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    ExternalKey = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    ActorUserId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceRefunds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InvoiceRefunds_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_Accrual",
                table: "ResellerCommissions",
                column: "InvoiceId",
                unique: true,
                filter: "Kind = 'Accrual'");

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_InvoiceId_Kind_RefundId",
                table: "ResellerCommissions",
                columns: new[] { "InvoiceId", "Kind", "RefundId" },
                unique: true,
                filter: "[RefundId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_RefundId",
                table: "ResellerCommissions",
                column: "RefundId");

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_ReversesCommissionId",
                table: "ResellerCommissions",
                column: "ReversesCommissionId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_Accrual",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId" },
                unique: true,
                filter: "Kind = 'Accrual'");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId", "Kind", "RefundId" },
                unique: true,
                filter: "[RefundId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency_PayableAt",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "PayoutId", "Currency", "PayableAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings",
                column: "RefundId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings",
                column: "ReversesEarningId");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Accrual",
                table: "AccrualTasks",
                columns: new[] { "InvoiceId", "Kind" },
                unique: true,
                filter: "RefundId IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks",
                columns: new[] { "RefundId", "Kind" },
                unique: true,
                filter: "[RefundId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceRefunds_ExternalKey",
                table: "InvoiceRefunds",
                column: "ExternalKey",
                unique: true,
                filter: "[ExternalKey] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceRefunds_InvoiceId_CreatedAt",
                table: "InvoiceRefunds",
                columns: new[] { "InvoiceId", "CreatedAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_AccrualTasks_InvoiceRefunds_RefundId",
                table: "AccrualTasks",
                column: "RefundId",
                principalTable: "InvoiceRefunds",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_PartnerEarnings_InvoiceRefunds_RefundId",
                table: "PartnerEarnings",
                column: "RefundId",
                principalTable: "InvoiceRefunds",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_PartnerEarnings_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings",
                column: "ReversesEarningId",
                principalTable: "PartnerEarnings",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ResellerCommissions_InvoiceRefunds_RefundId",
                table: "ResellerCommissions",
                column: "RefundId",
                principalTable: "InvoiceRefunds",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ResellerCommissions_ResellerCommissions_ReversesCommissionId",
                table: "ResellerCommissions",
                column: "ReversesCommissionId",
                principalTable: "ResellerCommissions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AccrualTasks_InvoiceRefunds_RefundId",
                table: "AccrualTasks");

            migrationBuilder.DropForeignKey(
                name: "FK_PartnerEarnings_InvoiceRefunds_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropForeignKey(
                name: "FK_PartnerEarnings_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings");

            migrationBuilder.DropForeignKey(
                name: "FK_ResellerCommissions_InvoiceRefunds_RefundId",
                table: "ResellerCommissions");

            migrationBuilder.DropForeignKey(
                name: "FK_ResellerCommissions_ResellerCommissions_ReversesCommissionId",
                table: "ResellerCommissions");

            migrationBuilder.DropTable(
                name: "InvoiceRefunds");

            migrationBuilder.DropIndex(
                name: "IX_ResellerCommissions_Accrual",
                table: "ResellerCommissions");

            migrationBuilder.DropIndex(
                name: "IX_ResellerCommissions_InvoiceId_Kind_RefundId",
                table: "ResellerCommissions");

            migrationBuilder.DropIndex(
                name: "IX_ResellerCommissions_RefundId",
                table: "ResellerCommissions");

            migrationBuilder.DropIndex(
                name: "IX_ResellerCommissions_ReversesCommissionId",
                table: "ResellerCommissions");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_Accrual",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency_PayableAt",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_Accrual",
                table: "AccrualTasks");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "ResellerCommissions");

            migrationBuilder.DropColumn(
                name: "RefundId",
                table: "ResellerCommissions");

            migrationBuilder.DropColumn(
                name: "ReversesCommissionId",
                table: "ResellerCommissions");

            migrationBuilder.DropColumn(
                name: "GeneratedByUserId",
                table: "PartnerPayouts");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "PartnerEarnings");

            migrationBuilder.DropColumn(
                name: "PayableAt",
                table: "PartnerEarnings");

            migrationBuilder.DropColumn(
                name: "RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropColumn(
                name: "ReversesEarningId",
                table: "PartnerEarnings");

            migrationBuilder.DropColumn(
                name: "RefundedAmount",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "RefundId",
                table: "AccrualTasks");

            migrationBuilder.CreateIndex(
                name: "IX_ResellerCommissions_InvoiceId",
                table: "ResellerCommissions",
                column: "InvoiceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "PayoutId", "Currency" });

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_InvoiceId_Kind",
                table: "AccrualTasks",
                columns: new[] { "InvoiceId", "Kind" },
                unique: true);
        }
    }
}
