#!/usr/bin/env bash
# Email ingestion benchmark: 10,000 customer mails in a private dovecot INBOX (scripts/start-mail.sh), fetched and
# stored as tickets by Kefu in-process (SQLite, the real MailboxFetcher → EmailIngestor path), against a bare MailKit
# fetch of the same messages (UIDs + full bodies, same batch size) in the same run; once with one mailbox, once with
# the mail split over four mailboxes fetched in parallel. Rewrites its section of docs/benchmarks.md (--no-docs: don't).
#   bench/email/run.sh [--messages 10000] [--batch 100] [--mailboxes 1,4] [--triage on|off] [--warmup 500] [--passes 3] [--no-docs]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${KEFU_BENCH_ARTIFACTS:-/tmp/kefu-bench-artifacts-email}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
DOCS=1
ARGS=()
for a in "$@"; do if [ "$a" = --no-docs ]; then DOCS=; else ARGS+=("$a"); fi; done

"$ROOT/scripts/ensure-apt-packages.sh" dovecot-imapd python3-aiosmtpd openssl
dotnet build "$ROOT/bench/Kefu.Bench.Email/Kefu.Bench.Email.csproj" -c Release --artifacts-path "$ART" -v q -nologo -clp:ErrorsOnly

# shellcheck source=scripts/start-mail.sh
source "$ROOT/scripts/start-mail.sh"
OUT="$(mktemp)"
trap 'kefu_mail_stop; rm -f "$OUT"' EXIT
kefu_mail_start
timeout --signal=TERM --kill-after=30 20m \
  dotnet "$ART/bin/Kefu.Bench.Email/release/Kefu.Bench.Email.dll" "${ARGS[@]}" | tee "$OUT"

[ -n "$DOCS" ] || exit 0
. "$ROOT/bench/lib.sh"
SECTION="$(mktemp)"
{
  echo "<!-- bench/email:begin (written by bench/email/run.sh; edits inside are overwritten) -->"
  echo "## Email: IMAP → tickets ingestion throughput"
  echo
  echo "What it measures: 10,000 generated customer mails (Chinese subjects and bodies, text + HTML, ~3,000 senders, one in"
  echo "five a reply to an earlier mail, one in twenty with a 24 KiB PDF) APPENDed to a private dovecot (scripts/start-mail.sh),"
  echo "then fetched and stored by Kefu running in-process on SQLite through \`MailboxFetcher.PollOnceAsync\` (the path the"
  echo "email worker runs per mailbox: UID search, batched BODY.PEEK[] fetch, one transaction per batch, mark \\\\Seen), with"
  echo "all other modules (triage, SLA, outbox handlers) running. Baseline in the same run: a bare MailKit client fetching the"
  echo "same messages (UID SEARCH + full bodies, same batch size, same parallelism), storing nothing. Both paths first run an"
  echo "untimed warm-up mailbox (--warmup, default 500 mails; 0 = cold process as in sessions 1-5); then each timed phase"
  echo "runs --passes times (default 3) with fresh mails and senders: pass 1 is the first-pass figure, the last the steady state."
  echo
  echo "Command (from the repository root): \`bench/email/run.sh${ARGS[*]:+ ${ARGS[*]}}\`"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC, source \`$(git -C "$ROOT" rev-parse --short HEAD)\`; $(nproc) cores, .NET $(dotnet --version)."
  echo
  echo '```'
  bench_output "$OUT"
  echo '```'
  echo "<!-- bench/email:end -->"
} > "$SECTION"
bench_replace_section email "$SECTION"
rm -f "$SECTION"
