using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorMood.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TrackAnalysisClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "AnalysisLeaseExpiresUtc",
                table: "Tracks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnalysisWorkerId",
                table: "Tracks",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AnalysisLeaseExpiresUtc",
                table: "Tracks");

            migrationBuilder.DropColumn(
                name: "AnalysisWorkerId",
                table: "Tracks");
        }
    }
}
