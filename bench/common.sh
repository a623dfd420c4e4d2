# What the benchmark scripts share: sourced by bench/run.sh and bench/renewals.sh, which set
# `pg_bin` and `pids` (the processes they start) before calling new_work.
need() { echo "bench: $1. Fix: $2" >&2; exit 1; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Everything a run makes goes under one directory, stopped and deleted at exit, pass or fail.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/pg/postmaster.pid" ]; then as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}

new_work() {
  work=$(mktemp -d /tmp/paydesk-bench.XXXXXX)
  chmod 755 "$work"
  trap cleanup EXIT
  # Stopped by a signal: cleaned up (by the EXIT trap) and ended, not carried on with its work gone.
  trap 'exit 143' INT TERM
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
