using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorMood.Data.Postgres.Migrations
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
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MeasuredKey",
                table: "Tracks",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeasuredLoudnessLufs",
                table: "Tracks",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MeasuredMode",
                table: "Tracks",
                type: "character varying(5)",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeasuredOnsetsPerSecond",
                table: "Tracks",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeasuredValence",
                table: "Tracks",
                type: "double precision",
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
