using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MockRefunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mock_provider_refunds",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "text", nullable: false),
                    charge_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mock_provider_refunds", x => x.idempotency_key);
                    table.ForeignKey(
                        name: "fk_mock_provider_refunds_mock_provider_charges_charge_id",
                        column: x => x.charge_id,
                        principalTable: "mock_provider_charges",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_mock_provider_refunds_charge_id",
                table: "mock_provider_refunds",
                column: "charge_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mock_provider_refunds");
        }
    }
}
