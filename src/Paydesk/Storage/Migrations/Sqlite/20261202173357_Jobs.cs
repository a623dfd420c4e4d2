using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Jobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    payload = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    due_at = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.ForeignKey(
                        name: "fk_jobs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_key",
                table: "jobs",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_jobs_state_due_at",
                table: "jobs",
                columns: new[] { "state", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_tenant_id_state",
                table: "jobs",
                columns: new[] { "tenant_id", "state" });

            // The work the earlier background loops found by their due columns, queued as jobs
            // before those columns go, so an upgrade loses none of it.
            migrationBuilder.Sql("""
                INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
                SELECT 'job_reconcile_' || id, tenant_id, 'reconcile-payment', 'reconcile-payment:' || id, id, 'Queued', next_check_at, 0, created_at, created_at
                FROM payments WHERE next_check_at IS NOT NULL AND status IN ('Created', 'Pending', 'Unknown')
                """);
            migrationBuilder.Sql("""
                INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
                SELECT 'job_refund_' || id, tenant_id, 'execute-refund', 'execute-refund:' || id, id,
                       CASE WHEN next_attempt_at IS NULL THEN 'Dead' ELSE 'Queued' END, COALESCE(next_attempt_at, created_at), attempts, created_at, created_at
                FROM refunds WHERE status = 'Requested'
                """);
            migrationBuilder.Sql("""
                INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
                SELECT 'job_fulfil_' || id, tenant_id, 'fulfil-order', 'fulfil-order:' || id, id, 'Queued', COALESCE(next_fulfilment_at, created_at), 0, created_at, created_at
                FROM orders WHERE status = 'Paid'
                """);
            migrationBuilder.Sql("""
                INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
                SELECT 'job_expire_' || id, tenant_id, 'expire-order', 'expire-order:' || id, id, 'Queued', expires_at, 0, created_at, created_at
                FROM orders WHERE status = 'AwaitingPayment'
                """);
            migrationBuilder.Sql("""
                INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
                SELECT 'job_email_' || id, tenant_id, 'send-email', 'send-email:' || id, id, 'Queued', COALESCE(next_attempt_at, created_at), 0, created_at, created_at
                FROM outbox_messages WHERE status = 'Pending'
                """);

            migrationBuilder.DropIndex(
                name: "ix_refunds_status_next_attempt_at",
                table: "refunds");

            migrationBuilder.DropIndex(
                name: "ix_payments_next_check_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "next_check_at",
                table: "payments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.AddColumn<long>(
                name: "next_attempt_at",
                table: "refunds",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "next_check_at",
                table: "payments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_status_next_attempt_at",
                table: "refunds",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payments_next_check_at",
                table: "payments",
                column: "next_check_at");
        }
    }
}
