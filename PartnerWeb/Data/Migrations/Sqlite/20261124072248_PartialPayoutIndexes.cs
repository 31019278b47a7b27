using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialPayoutIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency_PayableAt",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_PayoutId",
                table: "PartnerEarnings");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_Payout",
                table: "PartnerEarnings",
                columns: new[] { "PayoutId", "PartnerNet" },
                filter: "PayoutId IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_Unattached",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "Currency", "PayableAt", "PartnerNet" },
                filter: "PayoutId IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_Payout",
                table: "PartnerEarnings");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_Unattached",
                table: "PartnerEarnings");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PartnerId_PayoutId_Currency_PayableAt",
                table: "PartnerEarnings",
                columns: new[] { "PartnerId", "PayoutId", "Currency", "PayableAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_PayoutId",
                table: "PartnerEarnings",
                column: "PayoutId");
        }
    }
}
