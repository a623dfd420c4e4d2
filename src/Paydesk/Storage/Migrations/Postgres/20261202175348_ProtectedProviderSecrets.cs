using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProtectedProviderSecrets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The clear column webhook_secret stays: SQL cannot seal with the key ring, so
            // SealClearProviderSecrets, run after the migrations, seals what it holds and empties it.
            migrationBuilder.AddColumn<string>(
                name: "webhook_secret_protected",
                table: "provider_accounts",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Secrets sealed since are lost: the earlier release cannot open them. Restore a backup instead.
            migrationBuilder.DropColumn(
                name: "webhook_secret_protected",
                table: "provider_accounts");
        }
    }
}
