using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TakeBackRequestKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RequestKey",
                table: "StripeAdjustments",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "StripeAdjustments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_StripeAdjustments_RequestKey",
                table: "StripeAdjustments",
                column: "RequestKey",
                unique: true,
                filter: "RequestKey IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StripeAdjustments_RequestKey",
                table: "StripeAdjustments");

            migrationBuilder.DropColumn(
                name: "RequestKey",
                table: "StripeAdjustments");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "StripeAdjustments");
        }
    }
}
