#!/usr/bin/env bash
# Build and run all tests. Works unattended on a fresh Debian 12 machine with the .NET 10 SDK
# (run as root, or with passwordless sudo for the one-time package install).
#
#   ./test.sh                          # everything
#   ./test.sh --filter 'FullyQualifiedName~Tickets'   # extra args go to `dotnet test`
#
# - installs missing Debian packages the tests need (list below),
# - starts a private throwaway PostgreSQL (scripts/start-postgres.sh) and exports
#   KEFU_TEST_PG="Host=127.0.0.1;Port=<port>;Username=postgres;Database=postgres",
# - builds Kefu.slnx (Release), runs `dotnet test` with TRX output in artifacts/test-results,
# - last line of output is always "N passed, N failed, N skipped";
#   exit status is 0 iff nothing failed.
set -euo pipefail

# Debian packages the tests need; one per line.
APT_PACKAGES=(
  postgresql
  chromium          # browser tests (Playwright drives Debian's Chromium; no browser download)
  fonts-noto-cjk    # Chinese text in browser screenshots
  dovecot-imapd     # email tests: a private IMAP server (scripts/start-mail.sh)
  python3-aiosmtpd  # email tests: the SMTP sink capturing what Kefu sends (scripts/smtp-sink.py)
  openssl           # email tests: self-signed certificate for IMAPS/STARTTLS
)

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
ROOT=$PWD
RESULTS_DIR=$ROOT/artifacts/test-results
# Browser tests save screenshots of their pages here (BrowserApp.ArtifactsDir); only those of failed tests are kept.
SCREENSHOTS_DIR=$ROOT/artifacts/screenshots
export KEFU_SCREENSHOTS=$SCREENSHOTS_DIR

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NUGET_XMLDOC_MODE=skip
export MSBUILDDISABLENODEREUSE=1 # no MSBuild node processes left behind (CI steps wait on them)

# A single test running longer than this is treated as hung: its test host is killed and
# the test named in the output. KEFU_TEST_HANG_TIMEOUT=0 disables.
HANG_TIMEOUT=${KEFU_TEST_HANG_TIMEOUT:-10m}

T0=$SECONDS
T_BUILD=0
T_TEST=0
FINISHED=

fmt_secs() {
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# Print the elapsed time and the final summary line, then exit.
finish() { # passed failed skipped exit-status
  FINISHED=1
  kefu_pg_stop 2>/dev/null || true
  kefu_mail_stop 2>/dev/null || true
  echo "Elapsed: $(fmt_secs $((SECONDS - T0))) (build $(fmt_secs "$T_BUILD"), test $(fmt_secs "$T_TEST"))"
  echo "$1 passed, $2 failed, $3 skipped"
  exit "$4"
}

# Long-running steps run as background children so that a TERM/INT to this script is
# handled at once (bash defers traps while a foreground child runs); on exit they are stopped.
CHILD_PID=
run_child() {
  local rc=0
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=
  return "$rc"
}

on_exit() {
  local rc=$?
  trap - EXIT
  if [[ -n "$CHILD_PID" ]] && kill -0 "$CHILD_PID" 2>/dev/null; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
  fi
  if [[ -z "$FINISHED" ]]; then # died early (setup error, signal, ...)
    ((rc != 0)) || rc=1
    finish 0 1 0 "$rc"
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

kefu_pg_stop() { :; } # until the real one is sourced
kefu_mail_stop() { :; }

# --- prerequisites -------------------------------------------------------------------
scripts/ensure-apt-packages.sh "${APT_PACKAGES[@]}"
# Node.js + npm build the chat widget (src/Kefu.Widget); any install that provides `npm` will do (the Debian
# packages, or NodeSource's nodejs which bundles npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || scripts/ensure-apt-packages.sh nodejs npm
# shellcheck source=scripts/start-postgres.sh
source scripts/start-postgres.sh
# shellcheck source=scripts/start-mail.sh
source scripts/start-mail.sh

# --- build -----------------------------------------------------------------------------
echo "==> dotnet build Kefu.slnx -c Release"
t=$SECONDS
if ! run_child dotnet build Kefu.slnx -c Release -nologo -v minimal; then
  T_BUILD=$((SECONDS - t))
  echo "error: build failed" >&2
  finish 0 1 0 1
fi
T_BUILD=$((SECONDS - t))

# --- services --------------------------------------------------------------------------
kefu_pg_start
echo "==> PostgreSQL $(basename "$(dirname "$(kefu_pg__bindir)")") ready on 127.0.0.1:$KEFU_PG_PORT (KEFU_TEST_PG)"
kefu_mail_start
echo "==> dovecot IMAP on 127.0.0.1:$KEFU_TEST_IMAP_PORT (IMAPS $KEFU_TEST_IMAPS_PORT), SMTP sink on 127.0.0.1:$KEFU_TEST_SMTP_PORT"

# --- test ------------------------------------------------------------------------------
rm -rf "$RESULTS_DIR" "$SCREENSHOTS_DIR"
mkdir -p "$RESULTS_DIR"
echo "==> dotnet test Kefu.slnx -c Release $*"
blame=()
if [[ "$HANG_TIMEOUT" != 0 && " $* " != *" --blame"* ]]; then
  blame=(--blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none)
fi
t=$SECONDS
test_rc=0
run_child dotnet test Kefu.slnx -c Release --no-build --nologo \
  --results-directory "$RESULTS_DIR" \
  --logger "trx" \
  --logger "console;verbosity=quiet" \
  "${blame[@]}" \
  "$@" || test_rc=$?
T_TEST=$((SECONDS - t))
kefu_pg_stop
kefu_mail_stop

# --- summary from the TRX files ---------------------------------------------------------
shopt -s nullglob
trx_files=("$RESULTS_DIR"/*.trx "$RESULTS_DIR"/*/*.trx)
shopt -u nullglob
if ((${#trx_files[@]} == 0)); then
  echo "error: no TRX results produced (dotnet test exit code $test_rc)" >&2
  finish 0 1 0 1
fi

# Count <UnitTestResult outcome="..."> over all TRX files (skipped tests are outcome="NotExecuted").
# First output line: "passed failed skipped"; then a short report of each failed test
# (name, message, the stack frames that have source locations).
FAILED_LIST=$RESULTS_DIR/failed-tests.txt
: >"$FAILED_LIST"
trx_report=$(KEFU_FAILED_LIST=$FAILED_LIST perl -e '
  use strict; use warnings;
  binmode STDOUT, ":encoding(UTF-8)";
  sub unxml { my $t = shift // ""; $t =~ s/&lt;/</g; $t =~ s/&gt;/>/g; $t =~ s/&quot;/"/g;
    $t =~ s/&apos;/\x27/g; $t =~ s/&#x([0-9A-Fa-f]+);/chr(hex $1)/ge; $t =~ s/&#([0-9]+);/chr($1)/ge;
    $t =~ s/&amp;/&/g; return $t }
  my ($p, $f, $s) = (0, 0, 0);
  my @report;
  for my $file (@ARGV) {
    open my $fh, "<:encoding(UTF-8)", $file or die "$file: $!";
    local $/; my $xml = <$fh>; close $fh;
    while ($xml =~ m{<UnitTestResult\b([^>]*?)(?:/>|>(.*?)</UnitTestResult>)}sg) {
      my ($attrs, $body) = ($1, $2 // "");
      my ($outcome) = $attrs =~ /\boutcome="([^"]*)"/;
      $outcome //= "";
      if ($outcome eq "Passed" || $outcome eq "PassedButRunAborted") { $p++; next }
      if ($outcome =~ /^(NotExecuted|Inconclusive|NotRunnable|Pending)$/) { $s++; next }
      $f++;
      if (defined $ENV{KEFU_FAILED_LIST} && $attrs =~ /\btestName="([^"]*)"/) {
        # The method name (screenshots are named "<method>-<user>.png"), without the arguments of a theory.
        my $method = unxml($1) =~ s/\(.*$//sr; $method =~ s/^.*\.//;
        open my $out, ">>:encoding(UTF-8)", $ENV{KEFU_FAILED_LIST} or die "$ENV{KEFU_FAILED_LIST}: $!";
        print $out "$method\n"; close $out;
      }
      next if $f > 50;
      my ($name) = $attrs =~ /\btestName="([^"]*)"/;
      my $r = "FAILED " . unxml($name // "?") . ($outcome eq "Failed" ? "" : " ($outcome)") . "\n";
      my ($msg) = $body =~ m{<Message>(.*?)</Message>}s;
      my @m = split /\r?\n/, unxml($msg);
      if (@m > 16) { splice(@m, 15); push @m, "    ..." }
      $r .= join "", map { "    $_\n" } @m;
      my ($st) = $body =~ m{<StackTrace>(.*?)</StackTrace>}s;
      my @frames = grep { /\S/ } split /\r?\n/, unxml($st);
      my @src = grep { / in \S.*:line \d+/ } @frames;
      @src = @frames unless @src;
      splice(@src, 6) if @src > 6;
      $r .= join "", map { s/^\s+//r =~ s/^/      /r . "\n" } @src;
      push @report, $r;
    }
  }
  print "$p $f $s\n", @report;
  print "... and ", $f - 50, " more failed tests (see the TRX files)\n" if $f > 50;
' "${trx_files[@]}") || {
  echo "error: could not parse TRX files" >&2
  finish 0 1 0 1
}
read -r passed failed skipped <<<"$(head -n 1 <<<"$trx_report")"

# Screenshots: keep those of failed tests ("<method>-<user>.png"), delete the others.
if [[ -d "$SCREENSHOTS_DIR" ]]; then
  kept=0
  for shot in "$SCREENSHOTS_DIR"/*.png; do
    [[ -e "$shot" ]] || continue
    method=$(basename "$shot" .png)
    method=${method%%-*}
    if grep -qxF -- "$method" "$FAILED_LIST"; then kept=$((kept + 1)); else rm -f -- "$shot"; fi
  done
  if ((kept > 0)); then
    echo "Screenshots of the failed browser tests ($kept): ${SCREENSHOTS_DIR#"$ROOT"/}/"
  else
    rm -rf "$SCREENSHOTS_DIR"
  fi
fi

if ((failed > 0)); then
  echo
  tail -n +2 <<<"$trx_report"
  echo "(full results: ${RESULTS_DIR#"$ROOT"/}/*.trx)"
elif ((test_rc != 0)); then
  # No failed test, yet dotnet test failed (test host crash, run aborted, bad argument...):
  # count it as a failure so the summary line agrees with the exit status.
  echo "error: dotnet test exited with code $test_rc although no test failed (see output above)" >&2
  failed=1
fi

if ((failed == 0 && test_rc == 0)); then
  finish "$passed" 0 "$skipped" 0
fi
finish "$passed" "$failed" "$skipped" 1
