using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <summary>
    /// A trigger deferred to the commit gives each invoice inserted unnumbered (a negative sequence,
    /// its number holding the prefix a tenant's first sequence starts with) the tenant's next
    /// number. It runs inside the commit, so the tenant's sequence is locked from there to the end
    /// of the commit alone, and a transaction that does not commit takes no number. It runs as the
    /// application, under the committing session's tenant.
    /// </summary>
    public partial class NumberInvoicesAtCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION paydesk_number_invoice() RETURNS trigger
                LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
                DECLARE taken record;
                BEGIN
                  INSERT INTO invoice_sequences AS s (tenant_id, prefix, last_sequence) VALUES (NEW.tenant_id, NEW.number, 1)
                  ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = s.last_sequence + 1
                  RETURNING s.prefix, s.last_sequence INTO taken;
                  UPDATE invoices SET sequence = taken.last_sequence,
                         number = taken.prefix || CASE WHEN taken.last_sequence < 1000000 THEN lpad(taken.last_sequence::text, 6, '0')
                                                       ELSE taken.last_sequence::text END
                  WHERE tenant_id = NEW.tenant_id AND id = NEW.id AND sequence < 0;
                  RETURN NULL;
                END $$;

                CREATE CONSTRAINT TRIGGER number_invoice AFTER INSERT ON invoices DEFERRABLE INITIALLY DEFERRED
                  FOR EACH ROW WHEN (NEW.sequence < 0) EXECUTE FUNCTION paydesk_number_invoice();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER number_invoice ON invoices;
                DROP FUNCTION paydesk_number_invoice();
                """);
        }
    }
}
