using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CreditNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "credited_minor",
                table: "invoices",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "credit_note_sequences",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    prefix = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    last_sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_note_sequences", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_credit_note_sequences_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "credit_notes",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    invoice_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    refund_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    payment_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    customer_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_notes", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_credit_notes_invoices_tenant_id_invoice_id",
                        columns: x => new { x.tenant_id, x.invoice_id },
                        principalTable: "invoices",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_credit_notes_refunds_tenant_id_refund_id",
                        columns: x => new { x.tenant_id, x.refund_id },
                        principalTable: "refunds",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_credit_notes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_credit_notes_tenant_id_invoice_id",
                table: "credit_notes",
                columns: new[] { "tenant_id", "invoice_id" });

            migrationBuilder.CreateIndex(
                name: "ix_credit_notes_tenant_id_refund_id",
                table: "credit_notes",
                columns: new[] { "tenant_id", "refund_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_credit_notes_tenant_id_sequence",
                table: "credit_notes",
                columns: new[] { "tenant_id", "sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "credit_note_sequences");

            migrationBuilder.DropTable(
                name: "credit_notes");

            migrationBuilder.DropColumn(
                name: "credited_minor",
                table: "invoices");
        }
    }
}
