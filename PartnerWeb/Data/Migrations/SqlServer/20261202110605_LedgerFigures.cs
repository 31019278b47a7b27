using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LedgerFigures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PartnerLedgerDays",
                columns: table => new
                {
                    PartnerId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Entries = table.Column<long>(type: "bigint", nullable: false),
                    Sales = table.Column<long>(type: "bigint", nullable: false),
                    Refunds = table.Column<long>(type: "bigint", nullable: false),
                    Gross = table.Column<long>(type: "bigint", nullable: false),
                    Commission = table.Column<long>(type: "bigint", nullable: false),
                    Net = table.Column<long>(type: "bigint", nullable: false),
                    BecomingPayable = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerLedgerDays", x => new { x.PartnerId, x.Currency, x.Day });
                    table.ForeignKey(
                        name: "FK_PartnerLedgerDays_PartnerAccounts_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "PartnerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PartnerLedgerTotals",
                columns: table => new
                {
                    PartnerId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Entries = table.Column<long>(type: "bigint", nullable: false),
                    Sales = table.Column<long>(type: "bigint", nullable: false),
                    Refunds = table.Column<long>(type: "bigint", nullable: false),
                    Gross = table.Column<long>(type: "bigint", nullable: false),
                    Commission = table.Column<long>(type: "bigint", nullable: false),
                    Net = table.Column<long>(type: "bigint", nullable: false),
                    UnattachedEntries = table.Column<long>(type: "bigint", nullable: false),
                    Unattached = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerLedgerTotals", x => new { x.PartnerId, x.Currency });
                    table.ForeignKey(
                        name: "FK_PartnerLedgerTotals_PartnerAccounts_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "PartnerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            // The figures of the entries written before them, so that the running figures start equal to the ledger.
            migrationBuilder.Sql(@"INSERT INTO [PartnerLedgerTotals] ([PartnerId],[Currency],[Entries],[Sales],[Refunds],[Gross],[Commission],[Net],[UnattachedEntries],[Unattached])
SELECT [PartnerId], [Currency], COUNT(*), SUM(CASE WHEN [Kind] = 'Accrual' THEN 1 ELSE 0 END), SUM(CASE WHEN [Kind] = 'Reversal' AND [GrossAmount] < 0 THEN 1 ELSE 0 END), SUM([GrossAmount]), SUM([CommissionAmount]), SUM([PartnerNet]), SUM(CASE WHEN [PayoutId] IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN [PayoutId] IS NULL THEN [PartnerNet] ELSE 0 END)
FROM [PartnerEarnings] GROUP BY [PartnerId], [Currency];");
            migrationBuilder.Sql(@"INSERT INTO [PartnerLedgerDays] ([PartnerId],[Currency],[Day],[Entries],[Sales],[Refunds],[Gross],[Commission],[Net],[BecomingPayable])
SELECT [PartnerId], [Currency], [Day], SUM([Entries]), SUM([Sales]), SUM([Refunds]), SUM([Gross]), SUM([Commission]), SUM([Net]), SUM([BecomingPayable]) FROM (
    SELECT [PartnerId], [Currency], CAST([CreatedAt] AS date) AS [Day], 1 AS [Entries], CASE WHEN [Kind] = 'Accrual' THEN 1 ELSE 0 END AS [Sales], CASE WHEN [Kind] = 'Reversal' AND [GrossAmount] < 0 THEN 1 ELSE 0 END AS [Refunds],
        [GrossAmount] AS [Gross], [CommissionAmount] AS [Commission], [PartnerNet] AS [Net], 0 AS [BecomingPayable] FROM [PartnerEarnings]
    UNION ALL
    SELECT [PartnerId], [Currency], CAST([PayableAt] AS date), 0, 0, 0, 0, 0, 0, [PartnerNet] FROM [PartnerEarnings]
) AS [x] GROUP BY [PartnerId], [Currency], [Day];");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerLedgerDays");

            migrationBuilder.DropTable(
                name: "PartnerLedgerTotals");
        }
    }
}
