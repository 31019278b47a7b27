using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class StripeConnectPayouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FailureMessage",
                table: "PartnerPayouts",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReversedAmount",
                table: "PartnerPayouts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReversedAt",
                table: "PartnerPayouts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SendAttempts",
                table: "PartnerPayouts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "SentAt",
                table: "PartnerPayouts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "InvoiceId",
                table: "PartnerEarnings",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "ReturnsPayoutId",
                table: "PartnerEarnings",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PartnerStripeAccounts",
                columns: table => new
                {
                    PartnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    PayoutsEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    ChargesEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    DetailsSubmitted = table.Column<bool>(type: "boolean", nullable: false),
                    RequirementsDue = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DisabledReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerStripeAccounts", x => x.PartnerId);
                    table.ForeignKey(
                        name: "FK_PartnerStripeAccounts_PartnerAccounts_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "PartnerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerEarnings_ReturnsPayoutId",
                table: "PartnerEarnings",
                column: "ReturnsPayoutId",
                filter: "\"ReturnsPayoutId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerStripeAccounts_AccountId",
                table: "PartnerStripeAccounts",
                column: "AccountId",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_PartnerEarnings_PartnerPayouts_ReturnsPayoutId",
                table: "PartnerEarnings",
                column: "ReturnsPayoutId",
                principalTable: "PartnerPayouts",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_PartnerEarnings_PartnerPayouts_ReturnsPayoutId",
                table: "PartnerEarnings");

            migrationBuilder.DropTable(
                name: "PartnerStripeAccounts");

            migrationBuilder.DropIndex(
                name: "IX_PartnerEarnings_ReturnsPayoutId",
                table: "PartnerEarnings");

            migrationBuilder.DropColumn(
                name: "FailureMessage",
                table: "PartnerPayouts");

            migrationBuilder.DropColumn(
                name: "ReversedAmount",
                table: "PartnerPayouts");

            migrationBuilder.DropColumn(
                name: "ReversedAt",
                table: "PartnerPayouts");

            migrationBuilder.DropColumn(
                name: "SendAttempts",
                table: "PartnerPayouts");

            migrationBuilder.DropColumn(
                name: "SentAt",
                table: "PartnerPayouts");

            migrationBuilder.DropColumn(
                name: "ReturnsPayoutId",
                table: "PartnerEarnings");

            migrationBuilder.AlterColumn<Guid>(
                name: "InvoiceId",
                table: "PartnerEarnings",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
