#!/usr/bin/env bash
# Interleaved A/B of the workspace load: two prebuilt Kefu outputs served at once (each with its own demo data), the
# bench/ui measurer alternating between them so both share the machine's load. Builds only the measurer.
#   bench/ui/ab.sh <dir A> <dir B> [rounds] [loads]     (dirs hold Kefu.dll, e.g. <artifacts>/bin/Kefu/release)
#   defaults: 3 rounds × 8 loads (after 2 warm-ups each); ports 5181 (A) and 5182 (B)
# e.g. main vs this branch:
#   (cd ../main && dotnet build src/Kefu/Kefu.csproj -c Release --artifacts-path /tmp/art-main)
#   dotnet build src/Kefu/Kefu.csproj -c Release --artifacts-path /tmp/art-branch
#   bench/ui/ab.sh /tmp/art-main/bin/Kefu/release /tmp/art-branch/bin/Kefu/release
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-ui-artifacts}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; ROUNDS="${3:-3}"; LOADS="${4:-8}"
dotnet build "$ROOT/bench/Kefu.Bench.Ui/Kefu.Bench.Ui.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
PIDS=(); DATAS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for d in "${DATAS[@]}"; do rm -rf "$d" "$d.log"; done
}
trap cleanup EXIT
start() { # dir port
  local data; data="$(mktemp -d /tmp/kefu-bench-ui-data.XXXXXX)"; DATAS+=("$data")
  ( cd "$1" && KEFU_DATA_DIR="$data" Urls=http://127.0.0.1:$2 ASPNETCORE_ENVIRONMENT=Production \
    Logging__LogLevel__Default=Warning exec dotnet Kefu.dll ) > "$data.log" 2>&1 &
  PIDS+=($!)
}
start "$A" 5181
start "$B" 5182
for port in 5181 5182; do
  for _ in $(seq 1 480); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "server on $port did not start"; exit 1; }
done
echo "A = $A"; echo "B = $B"
for r in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    port=5181; [ "$side" = B ] && port=5182
    echo "== round $r, $side, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    pid="${PIDS[0]}"; [ "$side" = B ] && pid="${PIDS[1]}"
    KEFU_BENCH_SERVER_PID="$pid" dotnet "$ART/bin/Kefu.Bench.Ui/release/Kefu.Bench.Ui.dll" "http://127.0.0.1:$port" "$LOADS" || echo "(this run failed)"
  done
done
