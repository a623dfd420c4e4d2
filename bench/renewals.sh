#!/usr/bin/env bash
# Renewals under load: due subscriptions on PostgreSQL renewed by one Paydesk with the Mock
# provider, beside the floor measured in the same run.
#
#   bench/renewals.sh                 # 100 000 due subscriptions, 8 job workers
#   DUE=1000000 WORKERS=16 bench/renewals.sh
#
# Makes a throwaway cluster (fsync on), publishes Release, starts Paydesk with the demo data,
# buys the clinic's monthly plan once through the Mock page (a real subscription, its kept card
# and its renewal job), copies it DUE times in SQL with the period due now, and starts Paydesk
# again with WORKERS job workers: it prints renewals per second from the first to the last period
# paid, and the process's peak memory. The floor: pgbench running the minimal SQL of one renewal
# (bench/renewal-floor.pgbench: claim, record, charge and pay, finish) with WORKERS clients.
# Everything it starts is stopped and deleted at exit, pass or fail.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
due=${DUE:-100000}
workers=${WORKERS:-8}
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
# shellcheck source=bench/common.sh
. "$here/bench/common.sh"
[ -n "$pg_bin" ] || need "PostgreSQL server binaries were not found" "apt-get install -y postgresql"
new_work

echo "bench: publishing Release for this platform" >&2
rid=linux-$(case "$(uname -m)" in aarch64) echo arm64;; *) echo x64;; esac)
dotnet publish -c Release -r "$rid" --self-contained false "$here/src/Paydesk" -o "$work/app" -v q -nologo >/dev/null

pgport=$(free_port)
mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || true
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $pgport -c unix_socket_directories=$work/pg -c fsync=on -c max_connections=300${STATEMENTS:+ -c shared_preload_libraries=pg_stat_statements}" start >/dev/null
psql=("$pg_bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" -c "CREATE ROLE paydesk_app LOGIN PASSWORD 'bench' NOSUPERUSER NOBYPASSRLS" -c "CREATE DATABASE paydesk" -c "CREATE DATABASE floor"

port=$(free_port)
base="http://127.0.0.1:$port"
key=sk_test_demo_clinic
start_paydesk() {
  (cd "$work" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$base" Logging__LogLevel__Default=Warning \
    ASPNETCORE_CONTENTROOT="$work" DOTNET_PerfMapEnabled="${PERF:+1}" DOTNET_EnableWriteXorExecute="${PERF:+0}" DataProtection__KeyRingPath="$work/keys" Storage__Engine=postgres Jobs__Workers="$workers" \
    "ConnectionStrings__Paydesk=Host=127.0.0.1;Port=$pgport;Database=paydesk;Username=paydesk_app;Password=bench;Maximum Pool Size=100${PG_EXTRA:+;$PG_EXTRA}" \
    "ConnectionStrings__PaydeskOwner=Host=127.0.0.1;Port=$pgport;Database=paydesk;Username=postgres" \
    dotnet "$work/app/Paydesk.dll" >>"$work/paydesk.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 240); do curl -sf "$base/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -20 "$work/paydesk.log" >&2; need "Paydesk did not become ready" "read the log above"
}
api() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
json() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }
sql() { "${psql[@]}" -d paydesk -At -c "$1"; }

echo "bench: one subscription bought through the Mock page, the template" >&2
start_paydesk
plan=$(api "$base/api/v1/plans?limit=100" | python3 -c 'import json,sys; print(next(p["id"] for p in json.load(sys.stdin)["items"] if p["name"]=="Monthly telerehab"))')
customer=$(api -d '{"name":"Bench template","email":"bench-template@example.com"}' "$base/api/v1/customers" | json id)
order=$(api -d "{\"customerId\":\"$customer\",\"lines\":[{\"planId\":\"$plan\"}]}" "$base/api/v1/orders" | json id)
payment=$(api -d '{}' "$base/api/v1/orders/$order/checkout" | json paymentId)
curl -sf -o /dev/null -X POST -d card=pays "$base/mock-pay/$payment/succeed"
for _ in $(seq 1 120); do
  template=$(api "$base/api/v1/subscriptions?customerId=$customer" | python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; print(i[0]["id"] if i else "")')
  kept=$(sql "SELECT count(*) FROM saved_methods WHERE customer_id = '$customer'")
  [ -n "$template" ] && [ "$kept" = 1 ] && break
  sleep 0.5
done
[ -n "$template" ] || need "the template subscription was not made" "read $work/paydesk.log"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "bench: copying it $due times, each due now" >&2
clone() { # table, template row condition, overrides as a jsonb expression of i
  sql "INSERT INTO $1 SELECT (jsonb_populate_record(NULL::$1, to_jsonb(t) || $3)).* FROM $1 t, generate_series(1, $due) i WHERE $2"
}
clone customers "t.id = '$customer'" "jsonb_build_object('id', 'cus_bench_' || i, 'email', 'bench' || i || '@example.com')"
clone saved_methods "t.customer_id = '$customer'" "jsonb_build_object('id', 'pm_bench_' || i, 'customer_id', 'cus_bench_' || i, 'provider_method_id', 'mock_pm_pays_bench_' || i)"
clone subscriptions "t.id = '$template'" "jsonb_build_object('id', 'sub_bench_' || i, 'customer_id', 'cus_bench_' || i, 'order_line_id', 'bench_line_' || i, 'anchor_at', now() - interval '1 month')"
clone subscription_periods "t.subscription_id = '$template'" "jsonb_build_object('id', 'per_bench_' || i, 'subscription_id', 'sub_bench_' || i, 'customer_id', 'cus_bench_' || i, 'starts_at', now() - interval '1 month', 'ends_at', now())"
clone jobs "t.key = 'renew-subscription:$template'" "jsonb_build_object('id', 'job_bench_' || i, 'key', 'renew-subscription:sub_bench_' || i, 'payload', 'sub_bench_' || i, 'due_at', now(), 'state', 'Queued', 'attempts', 0)"
sql "VACUUM ANALYZE" >/dev/null

echo "bench: the floor (pgbench, $workers clients)" >&2
"${psql[@]}" -d floor -f "$here/bench/floors.sql" >/dev/null
"${psql[@]}" -d floor -c "CREATE TABLE floor_subscriptions (id text PRIMARY KEY);
  CREATE TABLE floor_periods (tenant_id text, id text, subscription_id text, number int, starts_at timestamptz, ends_at timestamptz, status text, payment_id text, PRIMARY KEY (tenant_id, id));
  CREATE TABLE floor_invoices (tenant_id text, id text, source_id text, total bigint, issued_at timestamptz, PRIMARY KEY (tenant_id, id));
  CREATE TABLE floor_entitlements (tenant_id text, id text, source_id text, kind text, starts_at timestamptz, ends_at timestamptz, PRIMARY KEY (tenant_id, id));
  INSERT INTO floor_subscriptions SELECT 'sub-' || i FROM generate_series(1, 200000) i;
  INSERT INTO floor_jobs SELECT 'job-' || i, 't', 'renew', 'sub-' || i, 'queued', now() FROM generate_series(1, 200000) i;
  CREATE INDEX ON floor_jobs (state, due_at);" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
# (A checkpoint is the cluster's: it writes out the copies too, so none runs under the floor or the renewals.)
"$pg_bin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -f "$here/bench/renewal-floor.pgbench" -c "$workers" -j 2 -T 10 floor >"$work/pgbench.log" 2>&1 \
  || { grep -i "error\|abort" "$work/pgbench.log" | head -5 >&2; need "pgbench could not run the renewal floor" "read the lines above"; }
floor=$(awk '/^tps/ {print int($3)}' "$work/pgbench.log")

echo "bench: renewing $due subscriptions with $workers workers" >&2
# STATEMENTS=1: what each statement Paydesk sent cost the server over the renewals (pg_stat_statements), printed at the end.
[ -n "${STATEMENTS:-}" ] && sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
start_paydesk
paydesk_pid=$(pgrep -f "$work/app/Paydesk.dll" | head -1)
# CPU seconds (user + system) of Paydesk, and of the PostgreSQL server with its backends, so the run says which side a renewal costs.
cpu_of() { awk '{ t += $14 + $15 } END { printf "%.2f", t / 100 }' "$@" 2>/dev/null || echo 0; }
pg_cpu() { local pm; pm=$(head -1 "$work/pg/postmaster.pid"); cpu_of "/proc/$pm/stat" $(pgrep -P "$pm" | sed 's|.*|/proc/&/stat|'); }
t0=""; last=0; peak=0; traced=""
# Counting the paid periods reads them all: at a million, once every few seconds rather than every second.
every=$((1 + due / 200000))
while :; do
  paid=$(sql "SELECT count(*) FROM subscription_periods WHERE number = 1 AND status = 'Paid' AND subscription_id LIKE 'sub!_bench!_%' ESCAPE '!'")
  now=$(date +%s.%N)
  if [ -z "$t0" ] && [ "$paid" -gt 0 ]; then
    t0=$now; first=$paid; cpu0_app=$(cpu_of "/proc/$paydesk_pid/stat"); cpu0_pg=$(pg_cpu)
  fi
  # PERF=file: once a third is renewed (past the warm-up), 20 s of every process's CPU stacks (perf record -a -g; Paydesk's JIT-compiled frames named through its perf map).
  if [ -n "${PERF:-}" ] && [ -z "$traced" ] && [ "$paid" -ge $((due / 3)) ]; then
    command -v perf >/dev/null || need "PERF needs perf" "apt-get install -y linux-perf"
    perf record -a -g -o "$PERF" -- sleep 20 >"$work/perf.log" 2>&1 &
    traced=$!
  fi
  rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$paydesk_pid/status" 2>/dev/null || echo 0)
  [ "$rss" -gt "$peak" ] && peak=$rss
  [ "$paid" -ge "$due" ] && break
  if [ "$paid" != "$last" ]; then last=$paid; stalled=0; else stalled=$((${stalled:-0} + every)); fi
  [ "${stalled:-0}" -gt 120 ] && need "renewals stalled at $paid of $due" "read $work/paydesk.log"
  echo "bench: $paid of $due renewed" >&2
  sleep "$every"
done
cpu_app=$(python3 -c "import sys; print(round((float(sys.argv[1]) - float(sys.argv[2])) * 1000 / max(1, int(sys.argv[3]) - int(sys.argv[4])), 2))" "$(cpu_of "/proc/$paydesk_pid/stat")" "$cpu0_app" "$paid" "$first")
cpu_pg=$(python3 -c "import sys; print(round((float(sys.argv[1]) - float(sys.argv[2])) * 1000 / max(1, int(sys.argv[3]) - int(sys.argv[4])), 2))" "$(pg_cpu)" "$cpu0_pg" "$paid" "$first")
[ -n "$traced" ] && { wait "$traced" || true; echo "bench: CPU profile written to $PERF (perf report -i $PERF)" >&2; }
seconds=$(python3 -c "import sys; print(max(0.001, float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$now")
rate=$(python3 -c "import sys; print(int((int(sys.argv[1]) - int(sys.argv[3])) / float(sys.argv[2])))" "$paid" "$seconds" "$first")
charged=$(sql "SELECT count(*) FROM mock_provider_charges c JOIN payments p ON p.id = c.payment_id WHERE p.purpose LIKE 'renewal:%' AND c.captures = 1")
printf '%-40s %12s\n' "due subscriptions" "$due" "renewed (period 1 paid)" "$paid" "captured at the Mock provider" "$charged" \
  "renewals/s" "$rate" "floor: renewal SQL (pgbench tps)" "$floor" "ratio" "$(python3 -c "import sys; print(round(int(sys.argv[1]) / max(1, int(sys.argv[2])), 2))" "$rate" "$floor")" \
  "peak memory (MB)" "$peak" "CPU ms a renewal: Paydesk" "$cpu_app" "CPU ms a renewal: PostgreSQL" "$cpu_pg" "workers" "$workers"
if [ -n "${STATEMENTS:-}" ]; then
  echo
  echo "statements a renewal ran (calls per renewal, server ms per renewal, mean ms), the costliest first:"
  sql "SELECT round(calls::numeric / $paid, 2), round((total_exec_time + total_plan_time)::numeric / $paid, 3), round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 150)
       FROM pg_stat_statements WHERE userid = 'paydesk_app'::regrole ORDER BY total_exec_time + total_plan_time DESC LIMIT 40" | column -t -s '|'
fi
