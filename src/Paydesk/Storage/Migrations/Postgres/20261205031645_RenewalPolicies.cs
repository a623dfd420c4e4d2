using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RenewalPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "anchor_number",
                table: "subscriptions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "renewal_after_retries",
                table: "plans",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Cancel");

            migrationBuilder.AddColumn<string>(
                name: "renewal_missed_periods",
                table: "plans",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "BillEach");

            migrationBuilder.AddColumn<string>(
                name: "renewal_past_due",
                table: "plans",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Suspend");

            migrationBuilder.AddColumn<int>(
                name: "renewal_remind_days_before",
                table: "plans",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "renewal_retry_days",
                table: "plans",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "anchor_number",
                table: "subscriptions");

            migrationBuilder.DropColumn(
                name: "renewal_after_retries",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "renewal_missed_periods",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "renewal_past_due",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "renewal_remind_days_before",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "renewal_retry_days",
                table: "plans");
        }
    }
}
