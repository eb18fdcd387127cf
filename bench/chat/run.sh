#!/usr/bin/env bash
# Chat benchmark: N widget connections (raw WebSockets speaking the SignalR JSON protocol, as the widget does) plus
# agent screens against the real Kefu app, and the same load against a bare echo hub in the same server setup as the
# baseline. Measures customer→agent delivery latency at a fixed rate, msg/s at saturation and the server's RSS.
# Builds Release into its own artifacts path; extra arguments go to the load generator, e.g.
#   bench/chat/run.sh --connections 2000 --seconds 10 --skip-baseline --skip-persist
# Targets: the bare echo hub, the persisting baselines (echo + plain SQLite commits: one transaction per message, and
# group commit; decision 0038; --skip-persist) and Kefu (--skip-kefu).
# Profiling: --profile saturation --server-env DOTNET_PerfMapEnabled=1 --server-env DOTNET_EnableWriteXorExecute=0
# (perf record into the work folder; needs /proc/sys/kernel/perf_event_paranoid at -1 and the perf tool).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-chat-artifacts}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# 10,000 sockets on each side plus files: lift the descriptor limit as far as the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 25000 ]; then echo "warning: ulimit -n is $(ulimit -n)" >&2; fi
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain -- src bench 2>/dev/null)" ]; then COMMIT="$COMMIT + uncommitted changes"; fi

echo "building the chat bench (Release) into $ART"
dotnet build "$ROOT/bench/Kefu.Bench.Chat/Kefu.Bench.Chat.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
exec timeout --signal=TERM --kill-after=60 30m \
  dotnet "$ART/bin/Kefu.Bench.Chat/release/Kefu.Bench.Chat.dll" --command "bench/chat/run.sh${*:+ $*}" --commit "$COMMIT" "$@"
