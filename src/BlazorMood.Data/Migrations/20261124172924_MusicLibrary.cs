using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorMood.Data.Migrations
{
    /// <inheritdoc />
    public partial class MusicLibrary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LibraryProblems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Playlist = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Entry = table.Column<int>(type: "INTEGER", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    DetectedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LibraryProblems", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Playlists",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Removed = table.Column<bool>(type: "INTEGER", nullable: false),
                    FirstSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Playlists", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "TrackFeedback",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContextKey = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    TrackId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OccurredAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrackFeedback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TrackPlays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TrackId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OccurredAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrackPlays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tracks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PlaylistName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Artist = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    DurationSeconds = table.Column<double>(type: "REAL", nullable: false),
                    RelativePath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Bpm = table.Column<double>(type: "REAL", nullable: true),
                    EnergyDb = table.Column<double>(type: "REAL", nullable: true),
                    BrightnessHz = table.Column<double>(type: "REAL", nullable: true),
                    MeasuredBpm = table.Column<double>(type: "REAL", nullable: true),
                    MeasuredEnergyDb = table.Column<double>(type: "REAL", nullable: true),
                    MeasuredBrightnessHz = table.Column<double>(type: "REAL", nullable: true),
                    TempoConfidence = table.Column<double>(type: "REAL", nullable: true),
                    AnalyzedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AnalysisError = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    FileSize = table.Column<long>(type: "INTEGER", nullable: true),
                    FileModifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Removed = table.Column<bool>(type: "INTEGER", nullable: false),
                    RemovedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FirstSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tracks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Tracks_Playlists_PlaylistName",
                        column: x => x.PlaylistName,
                        principalTable: "Playlists",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TrackFeedback_TrackId",
                table: "TrackFeedback",
                column: "TrackId");

            migrationBuilder.CreateIndex(
                name: "IX_TrackFeedback_UserId_ContextKey_TrackId",
                table: "TrackFeedback",
                columns: new[] { "UserId", "ContextKey", "TrackId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrackPlays_UserId_OccurredAtUtc",
                table: "TrackPlays",
                columns: new[] { "UserId", "OccurredAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Tracks_PlaylistName",
                table: "Tracks",
                column: "PlaylistName");

            migrationBuilder.CreateIndex(
                name: "IX_Tracks_Removed_AnalyzedAtUtc",
                table: "Tracks",
                columns: new[] { "Removed", "AnalyzedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LibraryProblems");

            migrationBuilder.DropTable(
                name: "TrackFeedback");

            migrationBuilder.DropTable(
                name: "TrackPlays");

            migrationBuilder.DropTable(
                name: "Tracks");

            migrationBuilder.DropTable(
                name: "Playlists");
        }
    }
}
