using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListPriceVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "price_in_use",
                table: "services",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "price_version",
                table: "services",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "price_in_use",
                table: "products",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "price_version",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "list_price_version",
                table: "order_lines",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "list_prices",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    item_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    version = table.Column<int>(type: "integer", nullable: false),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    superseded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_prices", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_list_prices_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_list_prices_tenant_id_item_id_version",
                table: "list_prices",
                columns: new[] { "tenant_id", "item_id", "version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "list_prices");

            migrationBuilder.DropColumn(
                name: "price_in_use",
                table: "services");

            migrationBuilder.DropColumn(
                name: "price_version",
                table: "services");

            migrationBuilder.DropColumn(
                name: "price_in_use",
                table: "products");

            migrationBuilder.DropColumn(
                name: "price_version",
                table: "products");

            migrationBuilder.DropColumn(
                name: "list_price_version",
                table: "order_lines");
        }
    }
}
