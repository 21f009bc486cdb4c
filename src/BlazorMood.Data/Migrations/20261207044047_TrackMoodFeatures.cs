using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorMood.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrackMoodFeatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "MeasuredArousal",
                table: "Tracks",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MeasuredKey",
                table: "Tracks",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeasuredLoudnessLufs",
                table: "Tracks",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MeasuredMode",
                table: "Tracks",
                type: "TEXT",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeasuredOnsetsPerSecond",
                table: "Tracks",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeasuredValence",
                table: "Tracks",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MeasuredArousal",
                table: "Tracks");

            migrationBuilder.DropColumn(
                name: "MeasuredKey",
                table: "Tracks");

            migrationBuilder.DropColumn(
                name: "MeasuredLoudnessLufs",
                table: "Tracks");

            migrationBuilder.DropColumn(
                name: "MeasuredMode",
                table: "Tracks");

            migrationBuilder.DropColumn(
                name: "MeasuredOnsetsPerSecond",
                table: "Tracks");

            migrationBuilder.DropColumn(
                name: "MeasuredValence",
                table: "Tracks");
        }
    }
}
