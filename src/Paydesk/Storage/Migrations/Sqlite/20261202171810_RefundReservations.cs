using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefundReservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "origin",
                table: "refunds",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "Merchant");

            migrationBuilder.AddColumn<long>(
                name: "refund_reserved_minor",
                table: "payments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql("UPDATE refunds SET origin = 'Automatic' WHERE automatic");
            migrationBuilder.DropColumn(
                name: "automatic",
                table: "refunds");

            // What was promised back so far: the refunds made, and those requested and not yet made.
            migrationBuilder.Sql("""
                UPDATE payments SET refund_reserved_minor = refunded_minor + (
                    SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r
                    WHERE r.tenant_id = payments.tenant_id AND r.payment_id = payments.id AND r.status = 'Requested')
                """);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_tenant_id_payment_id_provider_refund_id",
                table: "refunds",
                columns: new[] { "tenant_id", "payment_id", "provider_refund_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_refunds_tenant_id_payment_id_provider_refund_id",
                table: "refunds");

            migrationBuilder.AddColumn<bool>(
                name: "automatic",
                table: "refunds",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql("UPDATE refunds SET automatic = (origin = 'Automatic')");
            migrationBuilder.DropColumn(
                name: "origin",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "refund_reserved_minor",
                table: "payments");

        }
    }
}
