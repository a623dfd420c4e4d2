#!/usr/bin/env bash
# Runs every Paydesk test: the pure core, and the service over real HTTP on SQLite and on a
# throwaway PostgreSQL cluster that the tests start from the installed server binaries.
# Ends with a line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

need() { echo "test.sh: $1" >&2; echo "  fix: $2" >&2; exit 2; }

command -v dotnet >/dev/null || need "the .NET SDK is not installed" "install the .NET 10 SDK (https://dot.net)"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing the PostgreSQL server binaries (apt-get install postgresql)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || need "could not install PostgreSQL" "apt-get update && apt-get install -y postgresql"
    # The package starts a cluster of its own; the tests make theirs, so stop it.
    command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r v c _; do pg_ctlcluster "$v" "$c" stop || true; done
  else
    need "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin" "sudo apt-get install -y postgresql"
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing Chromium for the browser tests (apt-get install chromium)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || need "could not install Chromium" "apt-get update && apt-get install -y chromium"
  else
    need "the browser tests need Chromium at /usr/bin/chromium" "sudo apt-get install -y chromium"
  fi
fi

command -v npm >/dev/null && command -v node >/dev/null \
  || need "Node.js and npm are missing (the tests install maildev, a real SMTP server, with npm)" "apt-get install -y nodejs npm"

# Everything the tests put in temp — PostgreSQL clusters, SQLite files, key rings, mail folders,
# browser profiles — goes under one directory of this run, removed at the end, pass or fail.
# A cluster still running in it (its test process was killed) is stopped first.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
stop_clusters() {
  find "$1" -maxdepth 3 -name postmaster.pid 2>/dev/null | while read -r pidfile; do
    dir=$(dirname "$pidfile")
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1
    else "$pg_bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1; fi || kill -9 "$(head -1 "$pidfile")" 2>/dev/null
  done
}
# Processes a run started and that outlived it (a maildev stopped by a terminal signal, say)
# name its directory on their command line.
remove_run() { stop_clusters "$1"; pkill -KILL -f -- "$1/" 2>/dev/null || true; rm -rf "$1"; }
# What earlier runs left when they were killed: their directory, once its owner is gone.
for root in /tmp/paydesk-tests.*; do
  [ -d "$root" ] || continue
  owner=$(cat "$root/owner.pid" 2>/dev/null)
  [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
  remove_run "$root"
done
# …and what runs left before they had one (clusters named by their process, files after two hours).
for dir in /tmp/paydesk-pg-*; do
  [ -d "$dir" ] || continue
  pid=$(basename "$dir" | cut -d- -f3)
  kill -0 "$pid" 2>/dev/null && continue
  remove_run "$dir"
done
find /tmp -maxdepth 1 \( -name 'paydesk-test-*' -o -name 'paydesk-maildev-[0-9]*' -o -name 'paydesk-killed_*' \) -mmin +120 -exec rm -rf {} + 2>/dev/null

run_tmp=$(mktemp -d /tmp/paydesk-tests.XXXXXX)
chmod 0755 "$run_tmp" # the cluster's files belong to the postgres user when the tests run as root
echo $$ > "$run_tmp/owner.pid"
log="$run_tmp/test.log"
trap 'remove_run "$run_tmp"' EXIT

# The browser tests leave screenshots of every page they check; only this run's are kept.
screenshots=artifacts/screenshots
rm -rf "$screenshots"

# The build's own temporary directories go in this run's too, so they go with it.
TMPDIR="$run_tmp" dotnet build Paydesk.slnx -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# --collect (not the settings file alone) loads coverlet's collector inside the test process too, which
# writes what it counted when the tests end; without it that is left to the process's exit, which
# the test platform cuts short when it takes more than a moment — and the coverage is lost.
TMPDIR="$run_tmp" dotnet test Paydesk.slnx --no-build -nologo --logger "console;verbosity=normal" \
  --collect "XPlat Code Coverage" --settings tests/coverage.runsettings --results-directory "$run_tmp/coverage" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Line coverage per source folder; the billing folders must reach 90 %.
echo
echo "Line coverage (Storage/Migrations, generated, left out):"
reports=$(find "$run_tmp/coverage" -name 'coverage.cobertura.xml' 2>/dev/null)
coverage_failed=0
if [ -z "$reports" ]; then
  echo "  no coverage report was written"; coverage_failed=1
else
  # shellcheck disable=SC2086
  awk -v required="Payments Orders Entitlements Notifications Invoices Subscriptions" -v threshold=90 -f tests/coverage.awk $reports | tee "$run_tmp/coverage.txt"
  below=$(grep '^below:' "$run_tmp/coverage.txt" || true)
  [ -n "$below" ] && { echo "test.sh: line coverage under 90 % in:${below#below:}"; coverage_failed=1; }
fi

# Each test assembly ends with a summary block: "Total tests: N", "     Passed: N", "     Failed: N".
sum() { grep -E "^ +$1: +[0-9]+$" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# Coverage below the bar fails the run as one more failure.
if [ "$coverage_failed" -ne 0 ]; then failed=$((failed + 1)); status=1; fi
echo
[ -d "$screenshots" ] && echo "Screenshots of the pages the browser tests checked: $PWD/$screenshots"
# The failures again, with their messages, where the end of a long log shows them.
if grep -qE '^  Failed ' "$log"; then
  echo "Failed:"
  awk '/^  Failed /{ n = 14 } n > 0 { print; n-- }' "$log" | grep -vE '^(info|dbug|trce): |^      ' | head -n 120
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
