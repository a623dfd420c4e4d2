using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SavedMethods : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "saved_methods",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    customer_id = table.Column<string>(type: "TEXT", nullable: false),
                    provider = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    provider_account_id = table.Column<string>(type: "TEXT", nullable: false),
                    provider_method_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    brand = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    exp_month = table.Column<int>(type: "INTEGER", nullable: true),
                    exp_year = table.Column<int>(type: "INTEGER", nullable: true),
                    payment_id = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    removed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saved_methods", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_saved_methods_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_saved_methods_tenant_id_customer_id",
                table: "saved_methods",
                columns: new[] { "tenant_id", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_saved_methods_tenant_id_provider_account_id_provider_method_id",
                table: "saved_methods",
                columns: new[] { "tenant_id", "provider_account_id", "provider_method_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "saved_methods");
        }
    }
}
