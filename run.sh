#!/usr/bin/env bash
# Starts the gateway on 127.0.0.1:5000 in front of three DemoUpstreams (127.0.0.1:5001-5003), using the
# embedded defaults in appsettings.json. Ctrl+C stops everything it started.
# Extra arguments go to the gateway, e.g. ./run.sh --Gateway:Queue:MaxLength=10 or ./run.sh --config my.json
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command -v dotnet >/dev/null || { echo "run.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
# Only what runs here is built: the gateway and DemoUpstream (./test.sh builds the rest).
projects=(src/Gateway/Gateway.csproj src/DemoUpstream/DemoUpstream.csproj)
echo "run.sh: restoring packages (the first run downloads them; a minute or two on a fresh machine)"
./eng/restore.sh "${projects[@]}"
echo "run.sh: building the gateway and DemoUpstream (Release)"
build_log="$(mktemp)"
for project in "${projects[@]}"; do
  dotnet build "$project" -c Release --no-restore --nologo -v quiet >"$build_log" 2>&1 || { cat "$build_log" >&2; rm -f "$build_log"; exit 1; }
done
rm -f "$build_log"
echo "run.sh: starting three DemoUpstreams and the gateway"

gateway_url=http://127.0.0.1:5000
upstream_ports=(5001 5002 5003)
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "run.sh: stopped"
}
trap cleanup INT TERM EXIT

for port in "${upstream_ports[@]}"; do
  dotnet src/DemoUpstream/bin/Release/net10.0/DemoUpstream.dll --urls "http://127.0.0.1:$port" \
    --DemoUpstream:ServiceName="upstream-$port" --Logging:LogLevel:Default=Warning &
  pids+=($!)
done
# Development, so the X-Qdelay header can stand in for a signed token's qdelay claim in the demo. /jobs goes to one
# upstream: a job lives in the memory of the process that accepted it. POST /jobs is an enqueue route, so tenant
# admission applies (without a token: the anonymous tier, 5/s, burst 10); polls go through the other route.
# (Switches, not appsettings.json, so these demo routes never leak into a --config set-up.)
dotnet src/Gateway/bin/Release/net10.0/Gateway.dll --urls "$gateway_url" --environment Development \
  --Gateway:Qdelay:AllowDevelopmentHeader=true \
  --ReverseProxy:Routes:jobs:ClusterId=jobs --ReverseProxy:Routes:jobs:Match:Path='/jobs/{**rest}' \
  --ReverseProxy:Routes:jobs-enqueue:ClusterId=jobs --ReverseProxy:Routes:jobs-enqueue:Match:Path=/jobs \
  --ReverseProxy:Routes:jobs-enqueue:Match:Methods:0=POST --ReverseProxy:Routes:jobs-enqueue:Metadata:Gateway.Enqueue=true \
  --ReverseProxy:Clusters:jobs:LoadBalancingPolicy=ConcurrencyAware \
  --ReverseProxy:Clusters:jobs:Destinations:upstream-1:Address="http://127.0.0.1:${upstream_ports[0]}/" "$@" &
gateway_pid=$!
pids+=("$gateway_pid")

wait_for() {
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "run.sh: $1 did not come up" >&2
  exit 1
}
for port in "${upstream_ports[@]}"; do wait_for "http://127.0.0.1:$port/demo/stats"; done
wait_for "$gateway_url/healthz"

cat <<MSG

Gateway:       $gateway_url   (ConcurrencyAware over 3 upstreams; /jobs on upstream-1, POST admitted per tenant; Development: X-Qdelay accepted)
DemoUpstreams: http://127.0.0.1:5001  http://127.0.0.1:5002  http://127.0.0.1:5003   (12 slots, exp:mean=20ms)

Try:
  curl -i $gateway_url/api/orders
  curl -i '$gateway_url/api/orders?ms=250'     # fixed 250 ms of work
  curl -i -X POST $gateway_url/jobs -H 'X-Qdelay: 2000' -H 'Content-Type: application/json' -d '{"work_ms":50}'
  curl -s '$gateway_url/jobs/<id>?wait_ms=5000'   # waits on the job: visible_at is enqueued_at + 2 s

Failover: kill one upstream (kill -9 <pid>, pids: ${pids[*]:0:3}) and keep sending requests; none fail, and
/metrics shows the retries and the ejection (gateway_upstream_retries_total, gateway_destination_ejected).

Press Ctrl+C to stop.
MSG
# Runs until Ctrl+C or until the gateway exits. An upstream may die meanwhile (try killing one: the gateway ejects it,
# retries refused connections elsewhere, and takes it back when it is started again on its port).
wait "$gateway_pid"
