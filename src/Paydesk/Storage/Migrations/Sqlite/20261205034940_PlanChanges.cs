using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PlanChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "plan_changes",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    subscription_id = table.Column<string>(type: "TEXT", nullable: false),
                    customer_id = table.Column<string>(type: "TEXT", nullable: false),
                    period_id = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    from_plan_id = table.Column<string>(type: "TEXT", nullable: false),
                    from_plan_version = table.Column<int>(type: "INTEGER", nullable: false),
                    from_amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    to_plan_id = table.Column<string>(type: "TEXT", nullable: false),
                    to_plan_version = table.Column<int>(type: "INTEGER", nullable: false),
                    to_amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    credit_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    charge_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    due_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    effective_at = table.Column<long>(type: "INTEGER", nullable: false),
                    payment_id = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_changes", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_plan_changes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_plan_changes_tenant_id_subscription_id_status",
                table: "plan_changes",
                columns: new[] { "tenant_id", "subscription_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ux_plan_changes_one_waiting",
                table: "plan_changes",
                columns: new[] { "tenant_id", "subscription_id" },
                unique: true,
                filter: "status IN ('Pending', 'Scheduled')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "plan_changes");
        }
    }
}
