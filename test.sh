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

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Paydesk.slnx -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

dotnet test Paydesk.slnx --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test assembly ends with a summary block: "Total tests: N", "     Passed: N", "     Failed: N".
sum() { grep -E "^ +$1: +[0-9]+$" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
