using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SessionUses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_uses",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    entitlement_id = table.Column<string>(type: "TEXT", nullable: false),
                    customer_id = table.Column<string>(type: "TEXT", nullable: false),
                    used_at = table.Column<long>(type: "INTEGER", nullable: false),
                    specialist_id = table.Column<string>(type: "TEXT", nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    undone_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_uses", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_session_uses_entitlements_tenant_id_entitlement_id",
                        columns: x => new { x.tenant_id, x.entitlement_id },
                        principalTable: "entitlements",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_session_uses_specialists_tenant_id_specialist_id",
                        columns: x => new { x.tenant_id, x.specialist_id },
                        principalTable: "specialists",
                        principalColumns: new[] { "tenant_id", "id" });
                    table.ForeignKey(
                        name: "fk_session_uses_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_session_uses_tenant_id_entitlement_id",
                table: "session_uses",
                columns: new[] { "tenant_id", "entitlement_id" });

            migrationBuilder.CreateIndex(
                name: "ix_session_uses_tenant_id_specialist_id",
                table: "session_uses",
                columns: new[] { "tenant_id", "specialist_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_uses");
        }
    }
}
