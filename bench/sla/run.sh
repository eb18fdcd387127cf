#!/usr/bin/env bash
# SLA sweeper: 1M open tickets with running clocks, then rounds of N warnings + N breaches made due, swept by the real
# SlaSweeper (in-process server, fake clock) and, on the same re-armed rows, by a raw indexed SELECT + conditional
# UPDATE per row through the same provider in the same run; plus the idle sweep (nothing due). SQLite always,
# PostgreSQL too when KEFU_BENCH_PG (or KEFU_TEST_PG) is a server connection string. Rewrites its section of
# docs/benchmarks.md (unless --no-docs): `bench/sla` for SQLite (and both), `bench/sla-pg` for --postgres-only, so a
# PostgreSQL-only run does not wipe the SQLite figures. Extra arguments go to the program, e.g. --tickets 100000 --rounds 5.
# Usage (from anywhere): bench/sla/run.sh
#   PostgreSQL on a private throwaway server (as test.sh does):
#   bash -c '. scripts/start-postgres.sh && kefu_pg_start && KEFU_BENCH_PG="$KEFU_TEST_PG" bench/sla/run.sh --postgres-only; kefu_pg_stop'
#   (or scripts/start-postgres.sh -- bench/sla/run.sh --postgres-only, which exports KEFU_TEST_PG for the program).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-artifacts-sla}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
DOCS=1
ARGS=()
NAME=sla
TITLE="SLA: sweeper over open tickets"
for a in "$@"; do if [ "$a" = --no-docs ]; then DOCS=0; else ARGS+=("$a"); fi; done
for a in "$@"; do if [ "$a" = --postgres-only ]; then NAME=sla-pg; TITLE="SLA: sweeper over open tickets on PostgreSQL"; fi; done
if [ "$NAME" = sla-pg ] && [ -z "${KEFU_BENCH_PG:-${KEFU_TEST_PG:-}}" ]; then
  echo "bench/sla/run.sh --postgres-only needs KEFU_BENCH_PG (or KEFU_TEST_PG): start a private server with scripts/start-postgres.sh" >&2
  exit 2
fi
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain -- src bench 2>/dev/null)" ]; then COMMIT="$COMMIT + uncommitted changes"; fi
dotnet build "$ROOT/bench/Kefu.Bench.Sla/Kefu.Bench.Sla.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly
OUT="$(mktemp)"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$ROOT" && timeout --signal=TERM --kill-after=30 30m dotnet "$ART/bin/Kefu.Bench.Sla/release/Kefu.Bench.Sla.dll" "${ARGS[@]}") | tee "$OUT"
[ "$DOCS" = 1 ] || { rm -f "$OUT"; exit 0; }

. "$ROOT/bench/lib.sh"
SECTION="$(mktemp)"
{
  echo "<!-- bench/$NAME:begin (written by bench/sla/run.sh; edits inside are overwritten) -->"
  echo "## $TITLE"
  echo
  echo "What it measures: the real \`SlaSweeper.SweepAsync\` (in-process server, fake clock, outbox dispatcher and other"
  echo "background loops off) on a database holding N open tickets (1M unless --tickets says otherwise; see the first output line) with two running clocks each (bulk INSERT … SELECT),"
  echo "after each round makes 1,000 warnings + 1,000 breaches due on random clocks. One sweep = one batch: the indexed read"
  echo "of due rows, the tickets' holders, one conditional UPDATE (claim) per row and one outbox row per warning/breach, in"
  echo "one transaction. The raw baseline re-arms the same rows and runs the bare indexed SELECT plus the same conditional"
  echo "UPDATE per row in one transaction, through a plain ADO.NET connection of the same provider, in the same run."
  echo "Idle: a sweep when nothing is due (every sweep interval pays it). Target: a sweep of due items <= 50 ms."
  echo
  echo "Command (from the repository root): \`${KEFU_BENCH_PG:+KEFU_BENCH_PG=<server connection string> }bench/sla/run.sh${ARGS[*]:+ ${ARGS[*]}}\`"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC, source \`$COMMIT\`; $(nproc) cores, load average at start $LOAD, .NET $(dotnet --version)."
  echo
  echo '```'
  bench_output "$OUT"
  echo '```'
  echo "<!-- bench/$NAME:end -->"
} > "$SECTION"
bench_replace_section "$NAME" "$SECTION"
rm -f "$OUT" "$SECTION"
