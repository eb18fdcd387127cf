#!/usr/bin/env bash
# SQL statements per created ticket, reactions included, from EF's command log (robust on a loaded machine, unlike
# throughput). Starts the given build on a temporary SQLite data dir, creates 5 warm-up tickets, waits for the triage
# model, then N sequential creates (new customer each, as bench/tickets does) and the outbox reactions.
#   bench/tickets/count-statements.sh <path to Kefu.dll> [N=20]
# Statements written through a DbCommand of the app's own (RowInserter: one per table per save with outbox/audit
# rows, decision 0025; SLA clock claims) are not in EF's log: add 2 per create for the outbox and audit INSERTs.
set -u
DLL="$(realpath "$1")"; N=${2:-20}; OUT="$(mktemp -d /tmp/kefu-stmts.XXXXXX)"; mkdir -p "$OUT/data"
PORT=$((20000 + RANDOM % 20000)); TOKEN=bench-token-0123456789abcdef0123456789abcdef
cd "$(dirname "$DLL")"
env KEFU_DATA_DIR="$OUT/data" KEFU_DEMO=false KEFU_BOOTSTRAP_API_TOKEN=$TOKEN KEFU_ADMIN_PASSWORD=Bench-admin-2026 \
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information \
  dotnet "$DLL" --urls http://127.0.0.1:$PORT > "$OUT/server.log" 2>&1 &
S=$!
trap 'kill $S 2>/dev/null; wait $S 2>/dev/null' EXIT
until curl -sf http://127.0.0.1:$PORT/health/ready >/dev/null; do sleep 0.5; kill -0 $S || { cat "$OUT/server.log"; exit 1; }; done
post() { curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"subject\":\"无法支付 $1\",\"channel\":\"api\",\"customer\":{\"email\":\"c$1-$RANDOM$RANDOM@example.com\",\"name\":\"客户$1\"},\"message\":{\"body\":\"我的订单无法支付，请帮忙 $1\"},\"category\":\"订单服务/下单问题/无法支付\"}" \
  http://127.0.0.1:$PORT/api/v1/tickets; }
for i in $(seq 1 5); do post w$i; done > "$OUT/codes.txt"
# Tickets created before the classifier is trained are triaged by a reaction later: wait for the model.
for i in $(seq 1 180); do grep -q 'INSERT INTO "routing_model_versions"' "$OUT/server.log" && break; sleep 1; done
sleep 5
B=$(grep -c "Executed DbCommand" "$OUT/server.log")
for i in $(seq 1 "$N"); do post "$i"; done >> "$OUT/codes.txt"
sleep 8
E=$(grep -c "Executed DbCommand" "$OUT/server.log")
echo "HTTP codes: $(sort "$OUT/codes.txt" | uniq -c | tr -s ' \n' ' ')"
python3 - "$OUT/server.log" "$B" "$E" "$N" <<'PY'
import sys, re, collections
f, b, e, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lines = [l for l in open(f) if 'Executed DbCommand' in l][b:e]
req = ['FROM "tickets_customer_identities" AS "t" WHERE "t"."value"', 'INSERT INTO "tickets_customers"',
       'INSERT INTO "tickets_customer_identities"', 'INSERT INTO "tickets_tickets"', 'INSERT INTO "tickets_messages"',
       'INSERT INTO "routing_decisions"', 'UPDATE "tickets_messages" SET "author_customer_id"', 'INSERT INTO "platform_outbox"',
       'INSERT INTO "platform_audit"', 'SELECT "t"."ticket_id" AS "TicketId", "t0"."name" AS "Name"', 'SELECT "t"."id", "t"."name", "t0"."kind"']
disp = ['platform_event_receipts', '"platform_outbox"']
groups = collections.Counter()
sigs = collections.Counter()
for l in lines:
    sql = re.sub(r"\s+", " ", re.sub(r".*CommandTimeout='\d+'\] ", "", l.strip()))
    sigs[sql[:110]] += 1
    groups['request' if any(k in l for k in req) else 'dispatcher' if any(k in l for k in disp) else 'handlers'] += 1
print(f"EF-logged statements per create ({n} creates): total {len(lines)/n:.2f} = request {groups['request']/n:.2f}"
      f" + outbox dispatcher {groups['dispatcher']/n:.2f} + handlers {groups['handlers']/n:.2f}")
for s, c in sigs.most_common(): print(f"{c/n:6.2f}  {s}")
PY
echo "server log: $OUT/server.log"
