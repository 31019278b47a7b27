using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ListingPauseAndRefundRequestHash : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RequestHash",
                table: "StripeAdjustments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PausedByPlatform",
                table: "PartnerListings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "RequestHash",
                table: "InvoiceRefunds",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RequestHash",
                table: "StripeAdjustments");

            migrationBuilder.DropColumn(
                name: "PausedByPlatform",
                table: "PartnerListings");

            migrationBuilder.DropColumn(
                name: "RequestHash",
                table: "InvoiceRefunds");
        }
    }
}
