#!/usr/bin/env bash
# Hot-path and scrape cost of the old hand-written exposition against prometheus-net, interleaved in one process.
# Usage: loadtests/metrics-cost.sh [--rounds N] [--requests N]     (old code taken from commit OLD, default 5bd0045)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
old="${OLD:-5bd0045}"
dir=loadtests/MetricsCost/obj/old-exposition
rm -rf "$dir" && mkdir -p "$dir"
git archive "$old" src/MetricsExposition | tar -x -C "$dir" --strip-components=2 --wildcards '*.cs'
dotnet build loadtests/MetricsCost -c Release --nologo -v quiet >/dev/null
echo "command: OLD=$old loadtests/metrics-cost.sh $*"
exec dotnet loadtests/MetricsCost/bin/Release/net10.0/Gateway.MetricsCost.dll "$@"
