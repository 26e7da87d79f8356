#!/usr/bin/env bash
# Builds the apps and runs one load-test scenario against real processes on loopback.
# Usage: loadtests/run.sh <scenario> [options]   (loadtests/run.sh with no arguments lists them)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v dotnet >/dev/null || { echo "loadtests/run.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
# The peers the scenarios compare against, wrk for closed-loop throughput ceilings, and redis-server for replicas-redis.
./eng/install-debian-packages.sh loadtests/run.sh haproxy nginx-light wrk redis-server
./eng/restore.sh >/dev/null
build_log="$(mktemp)"
dotnet build Gateway.sln -c Release --no-restore --nologo -v quiet >"$build_log" 2>&1 || { cat "$build_log" >&2; rm -f "$build_log"; exit 1; }
rm -f "$build_log"
exec dotnet loadtests/Gateway.LoadTests/bin/Release/net10.0/Gateway.LoadTests.dll "$@"
