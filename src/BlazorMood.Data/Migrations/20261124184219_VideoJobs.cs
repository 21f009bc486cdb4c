using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorMood.Data.Migrations
{
    /// <inheritdoc />
    public partial class VideoJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "VideoJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StorageName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Progress = table.Column<double>(type: "REAL", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    StagesJson = table.Column<string>(type: "TEXT", nullable: true),
                    EtaSeconds = table.Column<double>(type: "REAL", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    HeartbeatUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    WorkerId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DurationSeconds = table.Column<double>(type: "REAL", nullable: true),
                    Width = table.Column<int>(type: "INTEGER", nullable: true),
                    Height = table.Column<int>(type: "INTEGER", nullable: true),
                    CadenceSpm = table.Column<double>(type: "REAL", nullable: true),
                    SegmentsJson = table.Column<string>(type: "TEXT", nullable: true),
                    ActivitiesJson = table.Column<string>(type: "TEXT", nullable: true),
                    HasAnnotatedVideo = table.Column<bool>(type: "INTEGER", nullable: false),
                    InputDeletedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OutputsDeletedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoJobs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_FinishedUtc",
                table: "VideoJobs",
                column: "FinishedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_OwnerId_CreatedUtc",
                table: "VideoJobs",
                columns: new[] { "OwnerId", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_State_CreatedUtc",
                table: "VideoJobs",
                columns: new[] { "State", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_StorageName",
                table: "VideoJobs",
                column: "StorageName",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "VideoJobs");
        }
    }
}
