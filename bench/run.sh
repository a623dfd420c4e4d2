#!/usr/bin/env bash
# Paydesk's request paths under load, each beside a floor measured in the same run.
#
#   bench/run.sh              # PostgreSQL (a throwaway cluster, fsync on) and then SQLite
#   bench/run.sh postgres     # one engine
#   SECONDS_PER_RUN=20 CONNECTIONS="8 32" bench/run.sh sqlite
#
# Publishes Release for this platform (compiled ahead of time, as deployed), starts Paydesk with
# the demo data (Development, logs at Warning) on the engine, drives each path with wrk at 8, 32
# and 128 connections, and prints one table: requests/s, p50,
# p99, answers that were not 2xx, the floor and the ratio. Floors, measured in the same run:
# pgbench select-only for reads and pgbench running the minimal SQL of each write path
# (PostgreSQL), /health/live for /health/ready, and an empty ASP.NET Core app for start-up time
# and idle memory. On PostgreSQL it also drives bench/StackFloor, ASP.NET Core and Npgsql running
# the floors' SQL with nothing else, for the ceiling of any .NET service on the same machine. Everything it starts is stopped and deleted at exit, pass or fail.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
engines=${1:-"postgres sqlite"}
duration=${SECONDS_PER_RUN:-10}
connections=${CONNECTIONS:-"8 32 128"}
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

# shellcheck source=bench/common.sh
. "$here/bench/common.sh"
# Checked before anything is made: a missing prerequisite leaves nothing behind.
command -v wrk >/dev/null || need "wrk is not installed" "apt-get install -y wrk"
[ -n "$pg_bin" ] || [ "$engines" = sqlite ] || need "PostgreSQL server binaries were not found" "apt-get install -y postgresql"
new_work

echo "bench: publishing Release for this platform, compiled ahead of time as README says to deploy it" >&2
rid=linux-$(case "$(uname -m)" in aarch64) echo arm64;; *) echo x64;; esac)
dotnet publish -c Release -r "$rid" --self-contained false "$here/src/Paydesk" -o "$work/app" -v q -nologo >/dev/null
dotnet publish -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true "$here/bench/EmptyApp" -o "$work/empty" -v q -nologo >/dev/null
dotnet publish -c Release -r "$rid" --self-contained false "$here/bench/StackFloor" -o "$work/stack" -v q -nologo >/dev/null
dotnet build -c Release "$here/bench/Paydesk.Bench" -v q -nologo >/dev/null
dotnet publish -c Release "$here/tools/Paydesk.Emulators" -o "$work/emulators" -v q -nologo >/dev/null
app="$work/app"
empty_app="$work/empty"
key=sk_test_demo_clinic

rows=()
format='%-8s %-46s %5s %10s %9s %9s %7s %14s %7s'
row() { rows+=("$(printf "$format" "$@")"); }

# One wrk run: prints "requests/s p50 p99 non-2xx" (latencies in ms). More arguments go to wrk
# (a script and its arguments).
load() {
  local url=$1 c=$2; shift 2
  local out
  out=$(wrk -t2 -c"$c" -d"${duration}s" --latency -H "Authorization: Bearer $key" "$url" "$@")
  local rps p50 p99 bad
  # A script that sends a list until it runs out prints its own rate (wrk's counts the whole duration).
  rps=$(awk '/^Rate:/ {r=$2} /^Requests\/sec/ && r=="" {w=int($2)} END {print (r!="" ? r : w)}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
  echo "$rps $(ms "$p50") $(ms "$p99") ${bad:-0}"
}

api() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
field() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }
# The id of the clinic's plan with this name.
plan_named() { api "$1/api/v1/plans?limit=100" | python3 -c 'import json,sys; print(next(p["id"] for p in json.load(sys.stdin)["items"] if p["name"]==sys.argv[1]))' "$2"; }

# The ids of the orders waiting for payment that no checkout has named yet (those of earlier runs are remembered in $work/checked-out).
unpaid_orders() {
  touch "$work/checked-out"
  python3 - "$1" "$key" "$work/checked-out" <<'PY'
import json, sys, urllib.request
base, key, used_file = sys.argv[1:4]
used = set(open(used_file).read().split())
ids, cursor = [], None
while True:
    url = f"{base}/api/v1/orders?status=awaiting_payment&limit=100" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})))
    ids += [o["id"] for o in page["items"] if o["id"] not in used]
    cursor = page.get("nextCursor")
    if not cursor: break
open(used_file, "a").write("\n".join(ids) + "\n")
print("\n".join(ids))
PY
}

# Sets started_seconds to the seconds from launching the command to the first 200 from the URL;
# the process is left running, its pid last in pids.
started_in() {
  local url=$1 log=$2; shift 2
  local t0; t0=$(date +%s.%N)
  "$@" >>"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 1200); do
    if curl -sf "$url" >/dev/null 2>&1; then
      started_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$t0" "$(date +%s.%N)")
      return 0
    fi
    sleep 0.02
  done
  need "nothing answered $url within 24 s" "read the logs under $work"
}
# Waits (at most two minutes) until the work the webhook rows set going is done, so it does not
# run beneath the next rows: no order paid and not yet fulfilled, no job running.
settle() {
  local base=$1 t0=$SECONDS
  for _ in $(seq 1 600); do
    if [ "$(api "$base/api/v1/orders?status=paid&limit=1" | count_items)" = 0 ] && [ "$(api "$base/api/v1/jobs?state=running&limit=1" | count_items)" = 0 ]; then
      echo "bench: the fulfilments the notifications set going were done $((SECONDS - t0)) s after the row" >&2
      return 0
    fi
    sleep 0.2
  done
  echo "bench: fulfilments still running two minutes after the row; going on" >&2
}
count_items() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))'; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
# wrk prints 812.00us, 5.37ms or 1.20s; the table says milliseconds.
ms() { python3 -c "import re,sys; v,u=re.match(r'([0-9.]+)([a-z]+)', sys.argv[1]).groups(); print(round(float(v)*{'us':0.001,'ms':1,'s':1000}[u],2))" "$1"; }

# Run it in the background only (`paydesk_cmd … &`): it execs, so $! is Paydesk's own pid, and
# stopping that stops Paydesk, not just a subshell.
paydesk_cmd() {
  local port=$1 dir=$2; shift 2
  mkdir -p "$dir"
  cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
    ASPNETCORE_CONTENTROOT="$dir" DataProtection__KeyRingPath="$dir/keys" RateLimits__CheckoutPerKey__PermitLimit=100000000 \
    "$@" dotnet "$app/Paydesk.dll" >>"$dir/paydesk.log" 2>&1
}

start_paydesk() {
  local engine=$1 port=$2 dir=$3; shift 3
  paydesk_cmd "$port" "$dir" "$@" &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -20 "$dir/paydesk.log" >&2; need "Paydesk on $engine did not become ready" "read the log above"
}

# Start-up (to the first ready answer, on the database the run made) and memory after 5 s idle,
# against the empty app's start to its first answer and its memory.
startup_rows() {
  local engine=$1 dir=$2; shift 2
  local port eport paydesk_s empty_s paydesk_mb empty_mb
  port=$(free_port)
  started_in "http://127.0.0.1:$port/health/ready" /dev/null paydesk_cmd "$port" "$dir" "$@"
  local paydesk_pid=${pids[-1]}
  paydesk_s=$started_seconds
  eport=$(free_port)
  started_in "http://127.0.0.1:$eport/health/live" "$work/empty.log" env ASPNETCORE_URLS="http://127.0.0.1:$eport" Logging__LogLevel__Default=Warning dotnet "$empty_app/EmptyApp.dll"
  local empty_pid=${pids[-1]}
  empty_s=$started_seconds
  sleep 5
  paydesk_mb=$(rss_mb "$paydesk_pid"); empty_mb=$(rss_mb "$empty_pid")
  kill "$paydesk_pid" "$empty_pid" 2>/dev/null || true
  wait "$paydesk_pid" "$empty_pid" 2>/dev/null || true
  row "$engine" "start to ready (s)" "—" "$paydesk_s" "—" "—" "—" "empty $empty_s" "$(ratio "$paydesk_s" "$empty_s")"
  row "$engine" "memory after 5 s idle (MB)" "—" "$paydesk_mb" "—" "—" "—" "empty $empty_mb" "$(ratio "$paydesk_mb" "$empty_mb")"
}

# The stack's own ceiling: bench/StackFloor (ASP.NET Core, Npgsql, the floors' SQL over HTTP) on
# the floor database at each load, its rows kept for the table (printed beside Paydesk's).
declare -A stack_rows
stack_floor() {
  local pgport=$1 port c rps p50 p99 bad
  port=$(free_port)
  echo "bench: the stack's own ceiling (ASP.NET Core and Npgsql, nothing else)" >&2
  started_in "http://127.0.0.1:$port/select" "$work/stack.log" env ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
    "ConnectionStrings__Floor=Host=127.0.0.1;Port=$pgport;Database=floor;Username=postgres" Floors="$here/bench" dotnet "$work/stack/StackFloor.dll"
  local stack_pid=${pids[-1]}
  wrk -t2 -c8 -d"${WARMUP_SECONDS:-3}s" "http://127.0.0.1:$port/select" >/dev/null
  for name in order checkout webhook; do wrk -t2 -c8 -d"${WARMUP_SECONDS:-3}s" "http://127.0.0.1:$port/$name" -s "$here/bench/post.lua" >/dev/null; done
  for c in $connections; do
    read -r rps p50 p99 bad < <(load "http://127.0.0.1:$port/select" "$c")
    stack_rows[$c]+="$(printf "$format" postgres "stack: GET /select (pgbench -S's query)" "$c" "$rps" "$p50" "$p99" "$bad" "select $floor" "$(ratio "$rps" "$floor")")"
    for name in order checkout webhook; do
      local floor_of="${name}_floor"
      read -r rps p50 p99 bad < <(load "http://127.0.0.1:$port/$name" "$c" -s "$here/bench/post.lua")
      stack_rows[$c]+=$'\n'"$(printf "$format" postgres "stack: POST /$name ($name-floor.pgbench)" "$c" "$rps" "$p50" "$p99" "$bad" "sql ${!floor_of}" "$(ratio "$rps" "${!floor_of}")")"
    done
  done
  kill "$stack_pid" 2>/dev/null || true
  wait "$stack_pid" 2>/dev/null || true
}

# Signs a "payment succeeded" for each Mock payment still pending and not notified yet, sends them
# once each with wrk at <connections> (8 for the warm-up) for <seconds>, and adds the row (unless
# warming up: no floor given), then waits for the fulfilments they set going.
notify() {
  local engine=$1 base=$2 c=$3 seconds=$4 floor=${5:-} conns=$3 file="$work/notifications-$1-$3"
  [ "$c" = warm ] && conns=8
  (cd "$work/$engine" && exec env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=None ASPNETCORE_CONTENTROOT="$work/$engine" \
    DataProtection__KeyRingPath="$work/$engine/keys" "${env[@]}" dotnet "$here/bench/Paydesk.Bench/bin/Release/net10.0/Paydesk.Bench.dll" \
    notifications clinic "$work/notified-$engine") > "$file" 2>"$work/notifications.log" \
    || { echo "bench: signing the notifications failed:" >&2; tail -5 "$work/notifications.log" >&2; }
  if [ ! -s "$file" ]; then
    echo "bench: no notification to send on $engine at $c connections ($(tail -1 "$work/notifications.log"))" >&2
    [ "$c" = warm ] || row "$engine" "POST /webhooks/mock/{account} (none signed)" "$c" "—" "—" "—" "—" "—" "—"
    return 1
  fi
  local out rps p50 p99 bad sent applied
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "$base/webhooks/mock" -s "$here/bench/webhooks.lua" -- "$file" 2>&1)
  rps=$(awk '/^Rate:/ {r=$2} /^Requests\/sec/ {w=int($2)} END {print (r!="" ? r : w)}' <<<"$out"); p50=$(ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(ms "$(awk '$1=="99%" {print $2}' <<<"$out")"); bad=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
  applied=$(awk '/^Applied:/ {print $2}' <<<"$out"); sent=$(awk '/requests in/ {print $1}' <<<"$out")
  if [ "${sent:-0}" = 0 ]; then
    echo "bench: wrk sent none of the $(wc -l < "$file") notifications on $engine at $c connections:" >&2
    echo "$out" >&2; head -3 "$file" | cut -c1-300 >&2
  fi
  [ "$c" = warm ] || row "$engine" "POST /webhooks/mock/{account} ($applied/$sent applied)" "$c" "$rps" "$p50" "$p99" "${bad:-0}" "$floor" "$(ratio "$rps" "${floor#sql }")"
  settle "$base"
}

# The providers' emulators (tools/Paydesk.Emulators), for the T-Bank, Robokassa and Stripe rows: Paydesk's
# checkouts through them call them as they would the providers; the notifications are the bench's.
emulators_url=""
start_emulators() {
  local port; port=$(free_port)
  started_in "http://127.0.0.1:$port/" "$work/emulators.log" env Logging__LogLevel__Default=Warning dotnet "$work/emulators/Paydesk.Emulators.dll" --urls "http://127.0.0.1:$port"
  emulators_url="http://127.0.0.1:$port"
}

# Webhook intake of the real providers: on the demo bot (a tenant in roubles), an account at each
# emulator; per load, orders made and checked out through the provider beforehand (not measured),
# then each payment's "paid" notification as the provider signs it — T-Bank's JSON with its Token,
# Robokassa's ResultURL form with password #2, Stripe's checkout.session.completed with its
# Stripe-Signature — sent once each, beside the same floor as the Mock's.
provider_rows() {
  local engine=$1 base=$2 c=$3 floor=${4:-} key=sk_test_demo_bot customer plan provider
  customer=$(api "$base/api/v1/customers?limit=1" | field items.0.id)
  plan=$(api "$base/api/v1/plans?limit=1" | field items.0.id)
  if [ -z "$(api "$base/api/v1/provider-accounts" | python3 -c 'import json,sys; print("\n".join(a["provider"] for a in json.load(sys.stdin)["items"]))' | grep -x tbank || true)" ]; then
    local terminal shop stripe
    terminal=$(curl -sf -X POST "$emulators_url/_emulator/tbank/terminals")
    shop=$(curl -sf -X POST "$emulators_url/_emulator/robokassa/shops" -H 'Content-Type: application/json' -d '{}')
    stripe=$(curl -sf -X POST "$emulators_url/_emulator/stripe/accounts" -H 'Content-Type: application/json' -d '{}')
    api -X POST "$base/api/v1/provider-accounts" -d "{\"provider\":\"stripe\",\"name\":\"Stripe\",\"mode\":\"test\",\"credentials\":{\"secretKey\":\"$(field secretKey <<<"$stripe")\",\"webhookSecret\":\"$(field webhookSecret <<<"$stripe")\"}}" >/dev/null
    api -X POST "$base/api/v1/provider-accounts" -d "{\"provider\":\"tbank\",\"name\":\"T-Bank\",\"mode\":\"test\",\"credentials\":{\"terminalKey\":\"$(field key <<<"$terminal")\",\"password\":\"$(field password <<<"$terminal")\"}}" >/dev/null
    api -X POST "$base/api/v1/provider-accounts" -d "{\"provider\":\"robokassa\",\"name\":\"Robokassa\",\"mode\":\"test\",\"login\":\"$(field login <<<"$shop")\",\"hashAlgorithm\":\"md5\",\"credentials\":{\"password1\":\"$(field password1 <<<"$shop")\",\"password2\":\"$(field password2 <<<"$shop")\"}}" >/dev/null
  fi
  for provider in tbank robokassa stripe; do
    local file="$work/$provider-notifications-$engine-$c" orders="$work/orders-$provider-$engine-$c" n out rps p50 p99 bad taken sent
    wrk -t2 -c8 -d"${PROVIDER_ORDER_SECONDS:-4}s" "$base/api/v1/orders" -s "$here/bench/orders.lua" -- "$provider-$engine-$c" "$customer" "$plan" "$key" > "$work/orders-$provider.log" 2>&1
    unpaid_orders "$base" > "$orders"
    n=$(wc -l < "$orders")
    grep -q "Non-2xx" "$work/orders-$provider.log" && echo "bench: of the orders for $provider on $engine ($n unpaid),$(grep -h "Non-2xx" "$work/orders-$provider.log")" >&2
    if [ "$n" -lt 2 ]; then
      echo "bench: no orders to check out through $provider on $engine (made with customer $customer, plan $plan)" >&2
      row "$engine" "POST /webhooks/$provider/{account} (no orders)" "$c" "—" "—" "—" "—" "—" "—"
      continue
    fi
    # wrk waits out its duration after the list runs out: long enough for the slower T-Bank checkout (Init at the emulator).
    wrk -t2 -c8 -d"$(( n / 150 + 3 ))s" "$base/api/v1/orders" -s "$here/bench/checkout.lua" -- "$orders" "$key" "$provider" > "$work/checkout-$provider.log" 2>&1
    if grep -q "Non-2xx" "$work/checkout-$provider.log"; then
      echo "bench: some of the $n checkouts through $provider on $engine were refused: $(grep -h "Non-2xx" "$work/checkout-$provider.log")" >&2
      curl -s -X POST "$base/api/v1/orders/$(head -1 "$orders")/checkout" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"provider\":\"$provider\"}" | head -c 600 >&2; echo >&2
    fi
    (cd "$work/$engine" && exec env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=None ASPNETCORE_CONTENTROOT="$work/$engine" \
      DataProtection__KeyRingPath="$work/$engine/keys" "${env[@]}" dotnet "$here/bench/Paydesk.Bench/bin/Release/net10.0/Paydesk.Bench.dll" \
      provider-notifications "$provider" bot "$work/notified-$provider-$engine") > "$file" 2>"$work/notifications.log" \
      || { echo "bench: signing the $provider notifications failed:" >&2; tail -5 "$work/notifications.log" >&2; }
    if [ ! -s "$file" ]; then
      row "$engine" "POST /webhooks/$provider/{account} (none signed)" "$c" "—" "—" "—" "—" "—" "—"
      continue
    fi
    out=$(wrk -t2 -c"$c" -d"${duration}s" --latency "$base/webhooks" -s "$here/bench/provider-webhooks.lua" -- "$file" 2>&1)
    rps=$(awk '/^Rate:/ {r=$2} /^Requests\/sec/ {w=int($2)} END {print (r!="" ? r : w)}' <<<"$out"); p50=$(ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
    p99=$(ms "$(awk '$1=="99%" {print $2}' <<<"$out")"); bad=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
    taken=$(awk '/^Taken:/ {print $2}' <<<"$out"); sent=$(awk '/requests in/ {print $1}' <<<"$out")
    row "$engine" "POST /webhooks/$provider/{account} ($taken/$sent taken)" "$c" "$rps" "$p50" "$p99" "${bad:-0}" "$floor" "$(ratio "$rps" "${floor#sql }")"
    settle "$base"
  done
}

bench_engine() {
  local engine=$1 port floor="" order_floor="" checkout_floor="" webhook_floor="" env=()
  port=$(free_port)
  if [ "$engine" = postgres ]; then
    local pgport; pgport=$(free_port)
    mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || true
    as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $pgport -c unix_socket_directories=$work/pg -c fsync=on -c max_connections=300" start >/dev/null
    local psql="$pg_bin/psql -h 127.0.0.1 -p $pgport -U postgres -q"
    $psql -c "CREATE ROLE paydesk_app LOGIN PASSWORD 'bench' NOSUPERUSER NOBYPASSRLS" -c "CREATE DATABASE paydesk" -c "CREATE DATABASE floor"
    echo "bench: measuring the floors (pgbench)" >&2
    local pgbench=("$pg_bin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres)
    "${pgbench[@]}" -i -s 1 -q floor >/dev/null 2>&1
    $psql -d floor -f "$here/bench/floors.sql"
    floor=$("${pgbench[@]}" -S -c 8 -j 2 -T "$duration" floor 2>/dev/null | awk '/^tps/ {print int($3)}')
    order_floor=$("${pgbench[@]}" -n -f "$here/bench/order-floor.pgbench" -c 8 -j 2 -T "$duration" floor 2>/dev/null | awk '/^tps/ {print int($3)}')
    checkout_floor=$("${pgbench[@]}" -n -f "$here/bench/checkout-floor.pgbench" -c 8 -j 2 -T "$duration" floor 2>/dev/null | awk '/^tps/ {print int($3)}')
    webhook_floor=$("${pgbench[@]}" -n -f "$here/bench/webhook-floor.pgbench" -c 8 -j 2 -T "$duration" floor 2>/dev/null | awk '/^tps/ {print int($3)}')
    stack_floor "$pgport"
    env=(Storage__Engine=postgres
         "ConnectionStrings__Paydesk=Host=127.0.0.1;Port=$pgport;Database=paydesk;Username=paydesk_app;Password=bench"
         "ConnectionStrings__PaydeskOwner=Host=127.0.0.1;Port=$pgport;Database=paydesk;Username=postgres")
  fi
  env+=("Payments__TBank__BaseUrl=$emulators_url" "Payments__Robokassa__BaseUrl=$emulators_url" "Payments__Stripe__BaseUrl=$emulators_url")
  echo "bench: starting Paydesk on $engine" >&2
  # The first start migrates and writes the demo data; the second, measured, starts on that database.
  start_paydesk "$engine" "$port" "$work/$engine" "${env[@]}"
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
  echo "bench: start-up and idle memory on $engine" >&2
  startup_rows "$engine" "$work/$engine" "${env[@]}"
  start_paydesk "$engine" "$port" "$work/$engine" "${env[@]}"
  local base="http://127.0.0.1:$port"

  # What the paths need: the demo clinic's patient, its one-off consultation plan, and three
  # months of telerehab bought and paid (on the Mock provider's page) for the access check.
  local customer consultation program order payment
  customer=$(api "$base/api/v1/customers?limit=1" | field items.0.id)
  consultation=$(plan_named "$base" "Consultation")
  program=$(plan_named "$base" "3-month recovery program")
  order=$(api -X POST "$base/api/v1/orders" -d "{\"customerId\":\"$customer\",\"lines\":[{\"planId\":\"$program\"}]}" | field id)
  payment=$(api -X POST "$base/api/v1/orders/$order/checkout" -d '{"provider":"mock"}' | field paymentId)
  curl -sf -X POST "$base/mock-pay/$payment/succeed" -d 'delivery=normal' >/dev/null
  for _ in $(seq 1 100); do [ "$(api "$base/api/v1/orders/$order" | field status)" = fulfilled ] && break; sleep 0.2; done
  [ "$(api "$base/api/v1/customers/$customer/access/telerehab" | field allowed)" = True ] \
    || need "the demo patient's telerehab purchase did not grant access" "read $work/$engine/paydesk.log"

  local reads=("/api/v1/customers/$customer" "/api/v1/customers/$customer/access/telerehab" "/api/v1/customers?limit=1" /api/v1/plans)
  # Warm-up, not measured: JIT, tiered compilation, connection pools and EF's query cache.
  for path in /health/live /health/ready "${reads[@]}"; do
    wrk -t2 -c8 -d"${WARMUP_SECONDS:-3}s" -H "Authorization: Bearer $key" "$base$path" >/dev/null
  done
  wrk -t2 -c8 -d"${WARMUP_SECONDS:-3}s" "$base/api/v1/orders" -s "$here/bench/orders.lua" -- "warm-$engine" "$customer" "$consultation" "$key" >/dev/null
  # The checkout and the intake (with the fulfilments it sets going) too, on the orders just made.
  unpaid_orders "$base" > "$work/orders-$engine-warm"
  wrk -t2 -c8 -d"${WARMUP_SECONDS:-3}s" "$base/api/v1/orders" -s "$here/bench/checkout.lua" -- "$work/orders-$engine-warm" "$key" >/dev/null
  notify "$engine" "$base" warm "${WARMUP_SECONDS:-3}"

  local live rps p50 p99 bad
  for c in $connections; do
    read -r live p50 p99 bad < <(load "$base/health/live" "$c")
    row "$engine" "GET /health/live (floor)" "$c" "$live" "$p50" "$p99" "$bad" "—" "—"
    [ -n "${stack_rows[$c]:-}" ] && [ "$engine" = postgres ] && while IFS= read -r line; do rows+=("$line"); done <<<"${stack_rows[$c]}"
    read -r rps p50 p99 bad < <(load "$base/health/ready" "$c")
    row "$engine" "GET /health/ready" "$c" "$rps" "$p50" "$p99" "$bad" "live $live" "$(ratio "$rps" "$live")"
    for path in "${reads[@]}"; do
      read -r rps p50 p99 bad < <(load "$base$path" "$c")
      row "$engine" "GET ${path//$customer/{id\}}" "$c" "$rps" "$p50" "$p99" "$bad" "${floor:+select $floor}" "$(ratio "$rps" "$floor")"
    done
    read -r rps p50 p99 bad < <(load "$base/api/v1/orders" "$c" -s "$here/bench/orders.lua" -- "run-$engine-$c" "$customer" "$consultation" "$key")
    row "$engine" "POST /api/v1/orders" "$c" "$rps" "$p50" "$p99" "$bad" "${order_floor:+sql $order_floor}" "$(ratio "$rps" "$order_floor")"
    # Checkout, each request for an order of its own: those the run above made, not checked out yet.
    unpaid_orders "$base" > "$work/orders-$engine-$c"
    read -r rps p50 p99 bad < <(load "$base/api/v1/orders" "$c" -s "$here/bench/checkout.lua" -- "$work/orders-$engine-$c" "$key")
    row "$engine" "POST /api/v1/orders/{id}/checkout" "$c" "$rps" "$p50" "$p99" "$bad" "${checkout_floor:+sql $checkout_floor}" "$(ratio "$rps" "$checkout_floor")"
    # Webhook intake: a signed "succeeded" for each payment those checkouts left pending, signed just now.
    notify "$engine" "$base" "$c" "$duration" "${webhook_floor:+sql $webhook_floor}" || continue
    settle "$base"
  done
  for c in $connections; do provider_rows "$engine" "$base" "$c" "${webhook_floor:+sql $webhook_floor}"; done
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
}

ratio() { if [ -n "${2:-}" ] && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)" "$2" 2>/dev/null; then python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; else echo "—"; fi; }

start_emulators
for engine in $engines; do bench_engine "$engine"; done

echo
echo "Paydesk $(git -C "$here" rev-parse --short HEAD) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t2, ${duration} s per run, load generator on the same cores"
printf "$format\n" engine path conns "req/s" "p50 ms" "p99 ms" "non-2xx" floor ratio
printf '%s\n' "${rows[@]}"
