using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LeanerWriteIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_CompletedAt_CreatedAt",
                table: "AccrualTasks");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId", "Kind", "RefundId" },
                unique: true,
                filter: "RefundId IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings",
                column: "RefundId",
                filter: "RefundId IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings",
                column: "ReversesEarningId",
                filter: "ReversesEarningId IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks",
                column: "CreatedAt",
                filter: "CompletedAt IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks",
                columns: new[] { "RefundId", "Kind" },
                unique: true,
                filter: "RefundId IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_InvoiceId_PartnerId_Kind_RefundId",
                table: "PartnerEarnings",
                columns: new[] { "InvoiceId", "PartnerId", "Kind", "RefundId" },
                unique: true,
                filter: "[RefundId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_RefundId",
                table: "PartnerEarnings",
                column: "RefundId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_ReversesEarningId",
                table: "PartnerEarnings",
                column: "ReversesEarningId");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_CompletedAt_CreatedAt",
                table: "AccrualTasks",
                columns: new[] { "CompletedAt", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_RefundId_Kind",
                table: "AccrualTasks",
                columns: new[] { "RefundId", "Kind" },
                unique: true,
                filter: "[RefundId] IS NOT NULL");
        }
    }
}
