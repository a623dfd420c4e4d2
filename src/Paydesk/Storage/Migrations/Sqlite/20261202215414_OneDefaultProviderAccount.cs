using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneDefaultProviderAccount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Two first checkouts at once could each make a default account: the oldest stays the default.
            migrationBuilder.Sql("""
                UPDATE provider_accounts SET is_default = FALSE
                WHERE is_default AND id NOT IN (SELECT MIN(d.id) FROM provider_accounts d WHERE d.is_default GROUP BY d.tenant_id, d.provider)
                """);

            migrationBuilder.CreateIndex(
                name: "ix_provider_accounts_one_default",
                table: "provider_accounts",
                columns: new[] { "tenant_id", "provider" },
                unique: true,
                filter: "is_default");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_provider_accounts_one_default",
                table: "provider_accounts");
        }
    }
}
