using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_entitlements_orders_tenant_id_order_id",
                table: "entitlements");

            migrationBuilder.DropForeignKey(
                name: "fk_invoices_orders_tenant_id_order_id",
                table: "invoices");

            migrationBuilder.DropForeignKey(
                name: "fk_shipments_orders_tenant_id_order_id",
                table: "shipments");

            migrationBuilder.DropIndex(
                name: "ix_shipments_tenant_id_order_id",
                table: "shipments");

            migrationBuilder.DropIndex(
                name: "ix_shipments_tenant_id_order_line_id",
                table: "shipments");

            migrationBuilder.DropIndex(
                name: "ix_invoices_tenant_id_order_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "ix_entitlements_tenant_id_order_id",
                table: "entitlements");

            migrationBuilder.DropIndex(
                name: "ix_entitlements_tenant_id_order_line_id_grant_id",
                table: "entitlements");

            migrationBuilder.RenameColumn(
                name: "order_line_id",
                table: "shipments",
                newName: "source_line_id");

            migrationBuilder.RenameColumn(
                name: "order_id",
                table: "shipments",
                newName: "source_id");

            migrationBuilder.RenameColumn(
                name: "order_id",
                table: "invoices",
                newName: "source_id");

            migrationBuilder.RenameColumn(
                name: "order_line_id",
                table: "entitlements",
                newName: "source_line_id");

            migrationBuilder.RenameColumn(
                name: "order_id",
                table: "entitlements",
                newName: "source_id");

            migrationBuilder.AddColumn<string>(
                name: "source_kind",
                table: "shipments",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "order");

            migrationBuilder.AddColumn<string>(
                name: "source_kind",
                table: "invoices",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "order");

            migrationBuilder.AddColumn<string>(
                name: "source_kind",
                table: "entitlements",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "order");

            migrationBuilder.AddColumn<string>(
                name: "source_id",
                table: "credit_notes",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "source_kind",
                table: "credit_notes",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "invoice_lines",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    invoice_id = table.Column<string>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    unit_amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    included = table.Column<bool>(type: "INTEGER", nullable: false),
                    plan_id = table.Column<string>(type: "TEXT", nullable: true),
                    plan_version = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoice_lines", x => new { x.tenant_id, x.invoice_id, x.position });
                    table.ForeignKey(
                        name: "fk_invoice_lines_invoices_tenant_id_invoice_id",
                        columns: x => new { x.tenant_id, x.invoice_id },
                        principalTable: "invoices",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_invoice_lines_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Credit notes and invoice lines of what was issued before: from the invoices and the orders' lines.
            migrationBuilder.Sql("UPDATE credit_notes SET source_kind = i.source_kind, source_id = i.source_id FROM invoices i WHERE i.tenant_id = credit_notes.tenant_id AND i.id = credit_notes.invoice_id");
            migrationBuilder.Sql("INSERT INTO invoice_lines (tenant_id, invoice_id, position, description, quantity, unit_amount_minor, amount_minor, included, plan_id, plan_version) " +
                "SELECT i.tenant_id, i.id, l.position, l.description, l.quantity, l.unit_amount_minor, l.amount_minor, " +
                "CASE WHEN l.kind = 'BundledProduct' AND l.amount_minor = 0 THEN 1 ELSE 0 END, l.plan_id, l.plan_version " +
                "FROM invoices i JOIN order_lines l ON l.tenant_id = i.tenant_id AND l.order_id = i.source_id WHERE i.source_kind = 'order'");

            migrationBuilder.CreateIndex(
                name: "ix_shipments_tenant_id_source_kind_source_id",
                table: "shipments",
                columns: new[] { "tenant_id", "source_kind", "source_id" });

            migrationBuilder.CreateIndex(
                name: "ix_shipments_tenant_id_source_kind_source_line_id",
                table: "shipments",
                columns: new[] { "tenant_id", "source_kind", "source_line_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_tenant_id_source_kind_source_id",
                table: "invoices",
                columns: new[] { "tenant_id", "source_kind", "source_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_entitlements_tenant_id_source_kind_source_id",
                table: "entitlements",
                columns: new[] { "tenant_id", "source_kind", "source_id" });

            migrationBuilder.CreateIndex(
                name: "ix_entitlements_tenant_id_source_kind_source_line_id_grant_id",
                table: "entitlements",
                columns: new[] { "tenant_id", "source_kind", "source_line_id", "grant_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invoice_lines");

            migrationBuilder.DropIndex(
                name: "ix_shipments_tenant_id_source_kind_source_id",
                table: "shipments");

            migrationBuilder.DropIndex(
                name: "ix_shipments_tenant_id_source_kind_source_line_id",
                table: "shipments");

            migrationBuilder.DropIndex(
                name: "ix_invoices_tenant_id_source_kind_source_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "ix_entitlements_tenant_id_source_kind_source_id",
                table: "entitlements");

            migrationBuilder.DropIndex(
                name: "ix_entitlements_tenant_id_source_kind_source_line_id_grant_id",
                table: "entitlements");

            migrationBuilder.DropColumn(
                name: "source_kind",
                table: "shipments");

            migrationBuilder.DropColumn(
                name: "source_kind",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "source_kind",
                table: "entitlements");

            migrationBuilder.DropColumn(
                name: "source_id",
                table: "credit_notes");

            migrationBuilder.DropColumn(
                name: "source_kind",
                table: "credit_notes");

            migrationBuilder.RenameColumn(
                name: "source_line_id",
                table: "shipments",
                newName: "order_line_id");

            migrationBuilder.RenameColumn(
                name: "source_id",
                table: "shipments",
                newName: "order_id");

            migrationBuilder.RenameColumn(
                name: "source_id",
                table: "invoices",
                newName: "order_id");

            migrationBuilder.RenameColumn(
                name: "source_line_id",
                table: "entitlements",
                newName: "order_line_id");

            migrationBuilder.RenameColumn(
                name: "source_id",
                table: "entitlements",
                newName: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_shipments_tenant_id_order_id",
                table: "shipments",
                columns: new[] { "tenant_id", "order_id" });

            migrationBuilder.CreateIndex(
                name: "ix_shipments_tenant_id_order_line_id",
                table: "shipments",
                columns: new[] { "tenant_id", "order_line_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_tenant_id_order_id",
                table: "invoices",
                columns: new[] { "tenant_id", "order_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_entitlements_tenant_id_order_id",
                table: "entitlements",
                columns: new[] { "tenant_id", "order_id" });

            migrationBuilder.CreateIndex(
                name: "ix_entitlements_tenant_id_order_line_id_grant_id",
                table: "entitlements",
                columns: new[] { "tenant_id", "order_line_id", "grant_id" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_entitlements_orders_tenant_id_order_id",
                table: "entitlements",
                columns: new[] { "tenant_id", "order_id" },
                principalTable: "orders",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_invoices_orders_tenant_id_order_id",
                table: "invoices",
                columns: new[] { "tenant_id", "order_id" },
                principalTable: "orders",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_shipments_orders_tenant_id_order_id",
                table: "shipments",
                columns: new[] { "tenant_id", "order_id" },
                principalTable: "orders",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);
        }
    }
}
