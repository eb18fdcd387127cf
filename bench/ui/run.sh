#!/usr/bin/env bash
# Workspace time-to-interactive: builds Kefu (Release) and the Playwright measurer into their own artifacts path,
# starts Kefu on 127.0.0.1:$KEFU_BENCH_PORT with demo data in a temporary KEFU_DATA_DIR, measures in Debian Chromium, stops it.
#   bench/ui/run.sh [runs]      (default 15 page loads after 2 warm-up loads)
#   bench/ui/run.sh 30 --live   live propagation between two open workspaces instead (LiveBench.cs: 30 changes after
#                               3 warm-up, interleaved with a raw WebSocket broadcast baseline)
#   KEFU_BENCH_PORT=5180        port for the server (default 5180, so a dev server on 5080 can keep running)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-ui-artifacts}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$ROOT/src/Kefu/Kefu.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
dotnet build "$ROOT/bench/Kefu.Bench.Ui/Kefu.Bench.Ui.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
PORT="${KEFU_BENCH_PORT:-5180}"
DATA="$(mktemp -d /tmp/kefu-bench-ui-data.XXXXXX)"
PID=""
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$DATA"; }
trap cleanup EXIT
( cd "$ART/bin/Kefu/release" && KEFU_DATA_DIR="$DATA" Urls=http://127.0.0.1:$PORT ASPNETCORE_ENVIRONMENT=Production \
  Logging__LogLevel__Default=Warning exec dotnet Kefu.dll ) > "$DATA.log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$DATA.log"; exit 1; }
  sleep 0.5
done
echo "commit $(git -C "$ROOT" rev-parse --short HEAD)$( [ -n "$(git -C "$ROOT" status --porcelain -- src)" ] && echo ' + uncommitted changes in src')"
KEFU_BENCH_SERVER_PID="$PID" dotnet "$ART/bin/Kefu.Bench.Ui/release/Kefu.Bench.Ui.dll" "http://127.0.0.1:$PORT" "${1:-15}" "${@:2}"
rm -f "$DATA.log"
