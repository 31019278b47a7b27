using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerWeb.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class DeadTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "AccrualTasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeadAt",
                table: "AccrualTasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "AccrualTasks",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Dead",
                table: "AccrualTasks",
                columns: new[] { "CreatedAt", "Id" },
                filter: "\"DeadAt\" IS NOT NULL AND \"CompletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks",
                column: "CreatedAt",
                filter: "\"CompletedAt\" IS NULL AND \"DeadAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_Dead",
                table: "AccrualTasks");

            migrationBuilder.DropIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "AccrualTasks");

            migrationBuilder.DropColumn(
                name: "DeadAt",
                table: "AccrualTasks");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "AccrualTasks");

            migrationBuilder.CreateIndex(
                name: "IX_AccrualTasks_Open",
                table: "AccrualTasks",
                column: "CreatedAt",
                filter: "\"CompletedAt\" IS NULL");
        }
    }
}
