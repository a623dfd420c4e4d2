using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProviderAccountSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "credentials_protected",
                table: "provider_accounts",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "disabled_at",
                table: "provider_accounts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "hash_algorithm",
                table: "provider_accounts",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "login",
                table: "provider_accounts",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "mode",
                table: "provider_accounts",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "test");

            migrationBuilder.AddColumn<long>(
                name: "updated_at",
                table: "provider_accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Accounts made before this release were last changed when they were made.
            migrationBuilder.Sql("UPDATE provider_accounts SET updated_at = created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "credentials_protected",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "disabled_at",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "hash_algorithm",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "login",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "mode",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "provider_accounts");
        }
    }
}
