using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IdempotencyLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_key",
                table: "refunds",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "request_key",
                table: "payments",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "claim_token",
                table: "idempotency_records",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "lease_until",
                table: "idempotency_records",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_tenant_id_payment_id_request_key",
                table: "refunds",
                columns: new[] { "tenant_id", "payment_id", "request_key" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_refunds_tenant_id_payment_id_request_key",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "request_key",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "request_key",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "claim_token",
                table: "idempotency_records");

            migrationBuilder.DropColumn(
                name: "lease_until",
                table: "idempotency_records");
        }
    }
}
