#!/usr/bin/env bash
# Server allocations per created ticket (reactions included), load-independent unlike CPU per create: the real server
# with a startup hook (alloc-hook/) that reports GC.GetTotalAllocatedBytes on request; 5 creates, the triage model,
# 40 warm-up creates, a 10 s idle window (subtracted at its rate), N sequential creates (new customer each, as
# count-statements.sh posts them) and 8 s for the outbox drain.
#   bench/tickets/alloc-per-create.sh <path to Kefu.dll> [N=100]
set -u
HOOK_SRC="$(dirname "$(readlink -f "$0")")/alloc-hook"; HOOK_OUT=${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-artifacts}/alloc-hook
dotnet build "$HOOK_SRC/AllocHook.csproj" -c Release -o "$HOOK_OUT" -v q -nologo >/dev/null || exit 1
DLL="$(realpath "$1")"; N=${2:-100}; OUT="$(mktemp -d /tmp/kefu-alloc.XXXXXX)"; mkdir -p "$OUT/data"
PORT=$((20000 + RANDOM % 20000)); TOKEN=bench-token-0123456789abcdef0123456789abcdef
cd "$(dirname "$DLL")"
env KEFU_DATA_DIR="$OUT/data" KEFU_DEMO=false KEFU_BOOTSTRAP_API_TOKEN=$TOKEN KEFU_ADMIN_PASSWORD=Bench-admin-2026 \
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning DOTNET_STARTUP_HOOKS="$HOOK_OUT/AllocHook.dll" \
  ALLOC_HOOK_FILE="$OUT/alloc" dotnet "$DLL" --urls http://127.0.0.1:$PORT > "$OUT/server.log" 2>&1 &
S=$!
trap 'kill $S 2>/dev/null; wait $S 2>/dev/null' EXIT
until curl -sf http://127.0.0.1:$PORT/health/ready >/dev/null; do sleep 0.5; kill -0 $S || { cat "$OUT/server.log"; exit 1; }; done
post() { curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"subject\":\"无法支付 $1\",\"channel\":\"api\",\"customer\":{\"email\":\"c$1-$RANDOM$RANDOM@example.com\",\"name\":\"客户$1\"},\"message\":{\"body\":\"我的订单无法支付，请帮忙 $1\"},\"category\":\"订单服务/下单问题/无法支付\"}" \
  http://127.0.0.1:$PORT/api/v1/tickets; }
mark() { touch "$OUT/alloc.req"; while [ -e "$OUT/alloc.req" ]; do sleep 0.05; done; date +%s.%N >> "$OUT/times"; }
for i in $(seq 1 5); do post w$i; done > "$OUT/codes.txt"
# wait for the triage model (created tickets are triaged at create time after it)
DB=$(ls "$OUT"/data/*.db | head -1)
for i in $(seq 1 300); do python3 -c "import sqlite3,sys; c=sqlite3.connect('file:$DB?mode=ro',uri=True); sys.exit(0 if c.execute('select count(*) from routing_model_versions').fetchone()[0]>0 else 1)" 2>/dev/null && break; sleep 1; done
echo "model after ${i} s"
for i in $(seq 1 40); do post x$i; done >> "$OUT/codes.txt"   # JIT warm-up
sleep 8
mark; sleep 10; mark   # idle window of 10 s
for i in $(seq 1 "$N"); do post "$i"; done >> "$OUT/codes.txt"
sleep 8; mark
echo "HTTP codes: $(sort "$OUT/codes.txt" | uniq -c | tr -s ' \n' ' ')"
python3 - "$OUT/alloc" "$N" "$OUT/times" <<'PY'
import sys
rows=[list(map(float,l.split())) for l in open(sys.argv[1])]; n=int(sys.argv[2]); ts=[float(l) for l in open(sys.argv[3])]
a,b,c=rows[-3],rows[-2],rows[-1]; ta,tb,tc=ts[-3],ts[-2],ts[-1]
rate=(b[0]-a[0])/(tb-ta)
print(f"idle: {rate/1024:.1f} KiB/s; {n} creates in {tc-tb:.0f} s (8 s drain incl.): {(c[0]-b[0])/1024/n:.1f} KiB/create raw, {(c[0]-b[0]-rate*(tc-tb))/1024/n:.1f} KiB/create minus idle; gen0 {c[1]-b[1]:.0f} gen1 {c[2]-b[2]:.0f} gen2 {c[3]-b[3]:.0f}; cpu {(c[4]-b[4])/n:.2f} ms/create raw")
PY
