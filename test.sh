#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test. Prints "tests: N passed, M failed" last.
# Usage: ./test.sh [--filter <dotnet test filter>]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages the test suite needs: curl, prometheus (the real server and promtool for the metrics tests), and
# redis-server (the shared tenant buckets; tests start their own on free loopback ports).
debian_packages=(curl prometheus redis-server)
./eng/install-debian-packages.sh test.sh "${debian_packages[@]}"
command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

./eng/restore.sh
build_log="$(mktemp)"
dotnet build Gateway.sln -c Release --no-restore --nologo -v quiet >"$build_log" 2>&1 || { cat "$build_log" >&2; rm -f "$build_log"; exit 1; }
rm -f "$build_log"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# -m:1: one test project at a time. Several projects put timing-sensitive load on this machine's cores.
dotnet test Gateway.sln -c Release --no-build --nologo -m:1 "$@" 2>&1 | tee "$log" || status=$?

# Sum the per-assembly summaries. Default output: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12 ...";
# with a detailed console logger: "Total tests: 12" followed by "     Passed: 12" lines.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { gsub(",", "", $(i+1)); f += $(i+1) }
      if ($i == "Passed:")  { gsub(",", "", $(i+1)); p += $(i+1) }
      if ($i == "Skipped:") { gsub(",", "", $(i+1)); s += $(i+1) }
    }
    next
  }
  /^ +Passed: +[0-9]+$/  { p += $2 }
  /^ +Failed: +[0-9]+$/  { f += $2 }
  /^ +Skipped: +[0-9]+$/ { s += $2 }
  END { print p + 0, f + 0, s + 0 }' "$log")
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
