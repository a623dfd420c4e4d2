using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FreeTrials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "trial",
                table: "subscription_periods",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "trial_days",
                table: "order_lines",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trial",
                table: "subscription_periods");

            migrationBuilder.DropColumn(
                name: "trial_days",
                table: "order_lines");
        }
    }
}
