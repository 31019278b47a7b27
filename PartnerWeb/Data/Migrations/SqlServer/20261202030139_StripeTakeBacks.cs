using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class StripeTakeBacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Overpayment",
                table: "StripePayments",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "StripePayments",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "StripePaymentId",
                table: "InvoiceRefunds",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "StripeAdjustments",
                columns: table => new
                {
                    ObjectId = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    ChargeId = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    PaymentIntentId = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Cancelled = table.Column<bool>(type: "bit", nullable: false),
                    FundsWithdrawn = table.Column<bool>(type: "bit", nullable: false),
                    FundsReinstated = table.Column<bool>(type: "bit", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    PaymentId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StripeAdjustments", x => x.ObjectId);
                    table.ForeignKey(
                        name: "FK_StripeAdjustments_StripePayments_PaymentId",
                        column: x => x.PaymentId,
                        principalTable: "StripePayments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StripePayments_Overpayments",
                table: "StripePayments",
                column: "CreatedAt",
                filter: "Overpayment = 1");

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceRefunds_StripePaymentId",
                table: "InvoiceRefunds",
                column: "StripePaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_StripeAdjustments_ChargeId",
                table: "StripeAdjustments",
                column: "ChargeId",
                filter: "ChargeId IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_StripeAdjustments_Parked",
                table: "StripeAdjustments",
                column: "UpdatedAt",
                filter: "PaymentId IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_StripeAdjustments_PaymentId",
                table: "StripeAdjustments",
                column: "PaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_StripeAdjustments_PaymentIntentId",
                table: "StripeAdjustments",
                column: "PaymentIntentId",
                filter: "PaymentIntentId IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "FK_InvoiceRefunds_StripePayments_StripePaymentId",
                table: "InvoiceRefunds",
                column: "StripePaymentId",
                principalTable: "StripePayments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_InvoiceRefunds_StripePayments_StripePaymentId",
                table: "InvoiceRefunds");

            migrationBuilder.DropTable(
                name: "StripeAdjustments");

            migrationBuilder.DropIndex(
                name: "IX_StripePayments_Overpayments",
                table: "StripePayments");

            migrationBuilder.DropIndex(
                name: "IX_InvoiceRefunds_StripePaymentId",
                table: "InvoiceRefunds");

            migrationBuilder.DropColumn(
                name: "Overpayment",
                table: "StripePayments");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "StripePayments");

            migrationBuilder.DropColumn(
                name: "StripePaymentId",
                table: "InvoiceRefunds");
        }
    }
}
