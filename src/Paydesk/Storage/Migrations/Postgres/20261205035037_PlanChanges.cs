using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
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
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    subscription_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    customer_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    period_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    from_plan_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    from_plan_version = table.Column<int>(type: "integer", nullable: false),
                    from_amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    to_plan_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    to_plan_version = table.Column<int>(type: "integer", nullable: false),
                    to_amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    credit_minor = table.Column<long>(type: "bigint", nullable: false),
                    charge_minor = table.Column<long>(type: "bigint", nullable: false),
                    due_minor = table.Column<long>(type: "bigint", nullable: false),
                    effective_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payment_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
