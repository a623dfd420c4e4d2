using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EntitlementPlanVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "plan_id",
                table: "entitlements",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "plan_version",
                table: "entitlements",
                type: "INTEGER",
                nullable: true);

            // What each entitlement granted so far was sold as: its order line's plan and version.
            migrationBuilder.Sql("""
                UPDATE entitlements SET
                  plan_id = (SELECT l.plan_id FROM order_lines l WHERE l.tenant_id = entitlements.tenant_id AND l.id = entitlements.order_line_id),
                  plan_version = (SELECT l.plan_version FROM order_lines l WHERE l.tenant_id = entitlements.tenant_id AND l.id = entitlements.order_line_id)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "plan_id",
                table: "entitlements");

            migrationBuilder.DropColumn(
                name: "plan_version",
                table: "entitlements");
        }
    }
}
