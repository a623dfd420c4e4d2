using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RenewalPayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ux_payments_one_live_renewal",
                table: "payments",
                columns: new[] { "tenant_id", "purpose" },
                unique: true,
                filter: "purpose LIKE 'renewal:%' AND status NOT IN ('Failed', 'Canceled', 'Expired')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_payments_one_live_renewal",
                table: "payments");
        }
    }
}
