-- The minimal SQL of each measured write path, for pgbench's floors (bench/run.sh).
CREATE TABLE floor_idempotency (tenant_id text, key text, request_hash text, status int, body text, created_at timestamptz, PRIMARY KEY (tenant_id, key));
CREATE TABLE floor_orders (tenant_id text, id text, customer_id text, status text, total bigint, currency text,
  created_at timestamptz, updated_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_order_lines (tenant_id text, id text, order_id text, plan_id text, quantity int, amount bigint, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_payments (tenant_id text, id text, purpose text, status text, amount bigint, currency text, idempotency_key text,
  created_at timestamptz, updated_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_payment_operations (tenant_id text, id text, payment_id text, kind text, summary text, created_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_mock_charges (id text PRIMARY KEY, payment_id text, idempotency_key text, amount bigint, status text, created_at timestamptz);
CREATE SEQUENCE floor_seq;
