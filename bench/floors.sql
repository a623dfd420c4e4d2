-- The minimal SQL of each measured write path, for pgbench's floors (bench/run.sh).
CREATE TABLE floor_idempotency (tenant_id text, key text, request_hash text, status int, body text, created_at timestamptz, PRIMARY KEY (tenant_id, key));
CREATE TABLE floor_orders (tenant_id text, id text, customer_id text, status text, total bigint, currency text,
  created_at timestamptz, updated_at timestamptz, PRIMARY KEY (tenant_id, id));
CREATE TABLE floor_order_lines (tenant_id text, id text, order_id text, plan_id text, quantity int, amount bigint, PRIMARY KEY (tenant_id, id));
