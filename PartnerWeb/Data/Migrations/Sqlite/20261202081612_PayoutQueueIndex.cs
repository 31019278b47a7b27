using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayoutQueueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PartnerPayouts_Status_CreatedAt",
                table: "PartnerPayouts");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerPayouts_Queue",
                table: "PartnerPayouts",
                columns: new[] { "CreatedAt", "Id", "Status", "Currency", "Amount" },
                filter: "Status IN ('Owed', 'Approved', 'Processing', 'Failed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PartnerPayouts_Queue",
                table: "PartnerPayouts");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerPayouts_Status_CreatedAt",
                table: "PartnerPayouts",
                columns: new[] { "Status", "CreatedAt" });
        }
    }
}
