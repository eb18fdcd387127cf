#!/usr/bin/env bash
# Tickets benchmark: create throughput (1 and 8 clients), list latency on 1M tickets, idle memory — each against a
# raw Microsoft.Data.Sqlite baseline in the same run. Builds Release into its own artifacts path (never the repo's
# obj/bin), starts the real server on 127.0.0.1 with temporary data dirs, and rewrites its section of
# docs/benchmarks.md. The idle-memory figure has its own baseline: the framework alone (bench/Kefu.Bench.MemBaseline),
# started the same way. Extra arguments go to the load generator, e.g. --duration 5 --list-tickets 100000 --no-docs, or
# --only-memory --memory-samples 3 (idle memory only, baseline and Kefu alternately, printed, docs untouched; ~1 min).
#   KEFU_BENCH_SOURCE=head   benchmark the last commit (git archive HEAD) instead of the working tree
#   KEFU_BENCH_ARTIFACTS=dir build output (default /tmp/kefu-bench-artifacts)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-artifacts}"
MODE="${KEFU_BENCH_SOURCE:-worktree}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
KEFU_SRC="$ROOT"
SNAP=""
cleanup() { if [ -n "$SNAP" ]; then rm -rf "$SNAP"; fi; }
trap cleanup EXIT
if [ "$MODE" = head ]; then
  SNAP="$(mktemp -d /tmp/kefu-bench-src.XXXXXX)"
  git -C "$ROOT" archive HEAD | tar -x -C "$SNAP"
  KEFU_SRC="$SNAP"
elif [ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ]; then
  COMMIT="$COMMIT + uncommitted changes in src"
fi

echo "building Kefu ($MODE, $COMMIT), the framework baseline and the load generator (Release) into $ART"
dotnet build "$KEFU_SRC/src/Kefu/Kefu.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
dotnet build "$ROOT/bench/Kefu.Bench.MemBaseline/Kefu.Bench.MemBaseline.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
dotnet build "$ROOT/bench/Kefu.Bench.Tickets/Kefu.Bench.Tickets.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly

CMD="bench/tickets/run.sh${*:+ $*}"
if [ "$MODE" != worktree ]; then CMD="KEFU_BENCH_SOURCE=$MODE $CMD"; fi
# The load generator bounds itself (--max-minutes, default 20) and cleans up; timeout is only the backstop.
status=0
timeout --signal=TERM --kill-after=60 25m \
  dotnet "$ART/bin/Kefu.Bench.Tickets/release/Kefu.Bench.Tickets.dll" \
  --kefu "$ART/bin/Kefu/release/Kefu.dll" \
  --baseline "$ART/bin/Kefu.Bench.MemBaseline/release/Kefu.Bench.MemBaseline.dll" \
  --docs "$ROOT/docs/benchmarks.md" \
  --command "$CMD" \
  --commit "$COMMIT" \
  "$@" || status=$?
exit $status
