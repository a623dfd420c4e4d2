#!/usr/bin/env bash
# Paydesk's request paths under load, each beside a floor measured in the same run.
#
#   bench/run.sh              # PostgreSQL (a throwaway cluster, fsync on) and then SQLite
#   bench/run.sh postgres     # one engine
#   SECONDS_PER_RUN=20 CONNECTIONS="8 32" bench/run.sh sqlite
#
# Builds Release, starts Paydesk with the demo data (Development, logs at Warning) on the engine,
# drives each path with wrk at 8, 32 and 128 connections, and prints one table: requests/s, p50,
# p99, the floor and the ratio. Floors: pgbench select-only for reads (PostgreSQL), /health/live
# for /health/ready. Everything it starts is stopped and deleted at exit, pass or fail.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
engines=${1:-"postgres sqlite"}
duration=${SECONDS_PER_RUN:-10}
connections=${CONNECTIONS:-"8 32 128"}
work=$(mktemp -d /tmp/paydesk-bench.XXXXXX)
chmod 755 "$work"
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

need() { echo "bench: $1. Fix: $2" >&2; exit 1; }
command -v wrk >/dev/null || need "wrk is not installed" "apt-get install -y wrk"
[ -n "$pg_bin" ] || [ "$engines" = sqlite ] || need "PostgreSQL server binaries were not found" "apt-get install -y postgresql"

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/pg/postmaster.pid" ]; then as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "bench: building Release" >&2
dotnet build -c Release "$here/src/Paydesk" -v q -nologo >/dev/null
app="$here/src/Paydesk/bin/Release/net10.0"

rows=()
row() { rows+=("$(printf '%-8s %-34s %5s %10s %9s %9s %12s %7s' "$@")"); }

# One wrk run: prints "requests/s p50 p99" (latencies in ms).
load() {
  local url=$1 c=$2 key=${3:-}
  local out
  if [ -n "$key" ]; then out=$(wrk -t2 -c"$c" -d"${duration}s" --latency -H "Authorization: Bearer $key" "$url")
  else out=$(wrk -t2 -c"$c" -d"${duration}s" --latency "$url"); fi
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print int($2)}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $(ms "$p50") $(ms "$p99")"
}
# wrk prints 812.00us, 5.37ms or 1.20s; the table says milliseconds.
ms() { python3 -c "import re,sys; v,u=re.match(r'([0-9.]+)([a-z]+)', sys.argv[1]).groups(); print(round(float(v)*{'us':0.001,'ms':1,'s':1000}[u],2))" "$1"; }

start_paydesk() {
  local engine=$1 port=$2 dir=$3; shift 3
  mkdir -p "$dir"
  # exec: the pid kept is Paydesk's own, so stopping it stops Paydesk, not just a subshell.
  (cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
    ASPNETCORE_CONTENTROOT="$dir" DataProtection__KeyRingPath="$dir/keys" "$@" dotnet "$app/Paydesk.dll" >"$dir/paydesk.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -20 "$dir/paydesk.log" >&2; need "Paydesk on $engine did not become ready" "read the log above"
}

bench_engine() {
  local engine=$1 port floor="" env=()
  port=$(free_port)
  if [ "$engine" = postgres ]; then
    local pgport; pgport=$(free_port)
    mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || true
    as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $pgport -c unix_socket_directories=$work/pg -c fsync=on -c max_connections=300" start >/dev/null
    local psql="$pg_bin/psql -h 127.0.0.1 -p $pgport -U postgres -q"
    $psql -c "CREATE ROLE paydesk_app LOGIN PASSWORD 'bench' NOSUPERUSER NOBYPASSRLS" -c "CREATE DATABASE paydesk" -c "CREATE DATABASE floor"
    echo "bench: measuring the select-only floor (pgbench)" >&2
    "$pg_bin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -i -s 1 -q floor >/dev/null 2>&1
    floor=$("$pg_bin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -S -c 8 -j 2 -T "$duration" floor 2>/dev/null | awk '/^tps/ {print int($3)}')
    env=(Storage__Engine=postgres
         "ConnectionStrings__Paydesk=Host=127.0.0.1;Port=$pgport;Database=paydesk;Username=paydesk_app;Password=bench"
         "ConnectionStrings__PaydeskOwner=Host=127.0.0.1;Port=$pgport;Database=paydesk;Username=postgres")
  fi
  echo "bench: starting Paydesk on $engine" >&2
  start_paydesk "$engine" "$port" "$work/$engine" "${env[@]}"
  local base="http://127.0.0.1:$port"
  # Warm-up, not measured: JIT, tiered compilation, connection pools and EF's query cache.
  for path in /health/live /health/ready "/api/v1/customers?limit=1" /api/v1/plans; do
    wrk -t2 -c8 -d"${WARMUP_SECONDS:-3}s" -H "Authorization: Bearer sk_test_demo_clinic" "$base$path" >/dev/null
  done

  local live
  for c in $connections; do
    read -r live p50 p99 < <(load "$base/health/live" "$c")
    row "$engine" "GET /health/live (floor)" "$c" "$live" "$p50" "$p99" "—" "—"
    read -r rps p50 p99 < <(load "$base/health/ready" "$c")
    row "$engine" "GET /health/ready" "$c" "$rps" "$p50" "$p99" "live $live" "$(ratio "$rps" "$live")"
    read -r rps p50 p99 < <(load "$base/api/v1/customers?limit=1" "$c" sk_test_demo_clinic)
    row "$engine" "GET /api/v1/customers?limit=1" "$c" "$rps" "$p50" "$p99" "${floor:+select $floor}" "$(ratio "$rps" "$floor")"
    read -r rps p50 p99 < <(load "$base/api/v1/plans" "$c" sk_test_demo_clinic)
    row "$engine" "GET /api/v1/plans" "$c" "$rps" "$p50" "$p99" "${floor:+select $floor}" "$(ratio "$rps" "$floor")"
  done
  kill "${pids[-1]}" 2>/dev/null || true
}

ratio() { if [ -n "${2:-}" ] && [ "${2:-0}" -gt 0 ]; then python3 -c "print(f'{$1/$2:.2f}')"; else echo "—"; fi; }

for engine in $engines; do bench_engine "$engine"; done

echo
echo "Paydesk $(git -C "$here" rev-parse --short HEAD) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t2, ${duration} s per run, load generator on the same cores"
printf '%-8s %-34s %5s %10s %9s %9s %12s %7s\n' engine path conns "req/s" "p50 ms" "p99 ms" floor ratio
printf '%s\n' "${rows[@]}"
