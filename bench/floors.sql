-- The minimal SQL of each measured write path, for pgbench's floors (bench/run.sh).
CREATE TABLE floor_idempotency (tenant_id text, key text, request_hash text, status int, body text, created_at timestamptz, PRIMARY KEY (tenant_id, key));
CREATE TABLE floor_orders (tenant_id text, id text, customer_id text, status text, total bigint, currency text,
  created_at timestamptz, updated_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_order_lines (tenant_id text, id text, order_id text, plan_id text, quantity int, amount bigint, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_payments (tenant_id text, id text, purpose text, status text, amount bigint, currency text, idempotency_key text,
  created_at timestamptz, updated_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_payment_operations (tenant_id text, id text, payment_id text, kind text, summary text, created_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_mock_charges (id text PRIMARY KEY, payment_id text, idempotency_key text, amount bigint, status text, created_at timestamptz);
CREATE TABLE floor_webhook_events (tenant_id text, id text, provider text, account_id text, provider_event_id text, raw_body text,
  received_at timestamptz, processed_at timestamptz, outcome text, PRIMARY KEY (tenant_id, id), UNIQUE (provider, account_id, provider_event_id));
CREATE TABLE floor_jobs (id text PRIMARY KEY, tenant_id text, kind text, payload text, state text, due_at timestamptz);
INSERT INTO floor_payments SELECT 't', 'pay-' || i, 'order:o', 'pending', 15000, 'RON', 'k', now(), now() FROM generate_series(1, 100000) i;
INSERT INTO floor_orders SELECT 't', 'ord-' || i, 'c', 'awaiting_payment', 15000, 'RON', now(), now() FROM generate_series(1, 100000) i;
