#!/usr/bin/env bash
# Private, throwaway mail servers for the email tests (never touches the system dovecot service):
#   - dovecot (IMAP + IMAPS, self-signed certificate) with a static password database: ANY user name logs in
#     with the password "secret" and gets a fresh Maildir under $KEFU_TEST_MAIL_DIR/<user>/Maildir, so every
#     test can use its own user and see only its own messages;
#   - an SMTP sink (scripts/smtp-sink.py, python3-aiosmtpd) that stores every accepted message as a file in
#     $KEFU_TEST_SMTP_DIR/new and answers 550 to recipients starting with "reject-" and 451 to "tempfail-".
#
#   source scripts/start-mail.sh   # defines kefu_mail_start / kefu_mail_stop
#   kefu_mail_start                # exports KEFU_TEST_IMAP_PORT, KEFU_TEST_IMAPS_PORT, KEFU_TEST_SMTP_PORT,
#                                  #         KEFU_TEST_MAIL_DIR, KEFU_TEST_SMTP_DIR
#   kefu_mail_stop                 # stop both, delete the directory (idempotent, silent)
#
#   scripts/start-mail.sh -- CMD ARGS...   # run CMD with the servers up, then clean up
# Packages: dovecot-imapd, python3-aiosmtpd, openssl (test.sh installs them).

kefu_mail__log() { echo "start-mail: $*" >&2; }

kefu_mail__free_port() { # first free TCP port from $1
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

kefu_mail_start() {
  local dir imap imaps smtp mail_user mail_uid mail_gid deadline
  if [[ -n "${KEFU_MAIL__DIR:-}" ]]; then
    kefu_mail__log "already started in this shell ($KEFU_MAIL__DIR)"
    return 1
  fi
  if [[ ! -x /usr/sbin/dovecot ]]; then
    kefu_mail__log "dovecot not installed (apt-get install dovecot-imapd)"
    return 1
  fi
  dir=$(mktemp -d /tmp/kefu-mail.XXXXXX) || return 1
  KEFU_MAIL__DIR=$dir
  chmod 755 "$dir"
  mkdir -p "$dir/run" "$dir/state" "$dir/home" "$dir/smtp"
  # Mail processes never run as root: as root, use nobody; otherwise ourselves.
  if ((EUID == 0)); then mail_user=nobody; else mail_user=$(id -un); fi
  mail_uid=$(id -u "$mail_user")
  mail_gid=$(id -g "$mail_user")
  chown "$mail_uid:$mail_gid" "$dir/home"
  chmod 777 "$dir/home"

  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || { kefu_mail__log "openssl failed"; kefu_mail_stop; return 1; }
  chmod 644 "$dir/key.pem"

  local base=${KEFU_MAIL_START_PORT:-51143} tries started=
  for ((tries = 0; tries < 20; tries++)); do
  imap=$(kefu_mail__free_port "$base")
  imaps=$(kefu_mail__free_port $((imap + 1)))
  smtp=$(kefu_mail__free_port $((imaps + 1)))

  cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
instance_name = kefu-test-$(basename "$dir")
protocols = imap
listen = 127.0.0.1
log_path = $dir/dovecot.log
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = $mail_uid
last_valid_uid = 0
default_internal_user = ${KEFU_MAIL_INTERNAL_USER:-dovecot}
default_login_user = ${KEFU_MAIL_LOGIN_USER:-dovenull}
mail_max_userip_connections = 200
imap_idle_notify_interval = 1 secs
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$dir/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
    ssl = yes
  }
  process_min_avail = 0
}
service anvil {
  chroot =
}
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
EOF
  if /usr/sbin/dovecot -c "$dir/dovecot.conf" >"$dir/dovecot.start.log" 2>&1; then started=1; break; fi
  # Lost a race for a port (other test runs share the machine): try the next ones.
  if ! grep -q "Address already in use" "$dir/dovecot.start.log" "$dir/dovecot.log" 2>/dev/null; then break; fi
  base=$((smtp + 1))
  done
  if [[ -z "$started" ]]; then
    cat "$dir/dovecot.start.log" "$dir/dovecot.log" >&2 2>/dev/null
    kefu_mail__log "dovecot failed to start"
    kefu_mail_stop
    return 1
  fi

  /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/smtp-sink.py" --port "$smtp" --dir "$dir/smtp" --cert "$dir/cert.pem" --key "$dir/key.pem" \
    </dev/null >>"$dir/smtp.log" 2>&1 &
  KEFU_MAIL__SMTP_PID=$!

  deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$imap") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$smtp") 2>/dev/null; do
    if ! kill -0 "$KEFU_MAIL__SMTP_PID" 2>/dev/null || ((SECONDS > deadline)); then
      cat "$dir/dovecot.log" "$dir/smtp.log" >&2 2>/dev/null
      kefu_mail__log "servers not ready"
      kefu_mail_stop
      return 1
    fi
    sleep 0.1
  done
  KEFU_TEST_IMAP_PORT=$imap
  KEFU_TEST_IMAPS_PORT=$imaps
  KEFU_TEST_SMTP_PORT=$smtp
  KEFU_TEST_MAIL_DIR=$dir/home
  KEFU_TEST_SMTP_DIR=$dir/smtp
  export KEFU_TEST_IMAP_PORT KEFU_TEST_IMAPS_PORT KEFU_TEST_SMTP_PORT KEFU_TEST_MAIL_DIR KEFU_TEST_SMTP_DIR
  return 0
}

kefu_mail_stop() {
  local dir=${KEFU_MAIL__DIR:-} pid=${KEFU_MAIL__SMTP_PID:-} i
  if [[ -n "$dir" && -f "$dir/dovecot.conf" ]]; then
    /usr/sbin/doveadm -c "$dir/dovecot.conf" stop >/dev/null 2>&1 || true
    if [[ -f "$dir/run/master.pid" ]]; then
      local mpid
      mpid=$(cat "$dir/run/master.pid" 2>/dev/null || true)
      for ((i = 0; i < 50; i++)); do
        [[ -n "$mpid" ]] && kill -0 "$mpid" 2>/dev/null || break
        sleep 0.1
      done
      [[ -n "$mpid" ]] && kill -KILL "$mpid" 2>/dev/null || true
    fi
  fi
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ -n "$dir" ]]; then rm -rf -- "$dir" 2>/dev/null || true; fi
  unset KEFU_MAIL__DIR KEFU_MAIL__SMTP_PID KEFU_TEST_IMAP_PORT KEFU_TEST_IMAPS_PORT KEFU_TEST_SMTP_PORT \
    KEFU_TEST_MAIL_DIR KEFU_TEST_SMTP_DIR
  return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  trap kefu_mail_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  kefu_mail_start
  if [[ "${1:-}" == "--" ]]; then
    shift
    rc=0
    "$@" || rc=$?
    exit "$rc"
  fi
  echo "IMAP 127.0.0.1:$KEFU_TEST_IMAP_PORT (IMAPS $KEFU_TEST_IMAPS_PORT), any user / password 'secret', homes in $KEFU_TEST_MAIL_DIR"
  echo "SMTP sink 127.0.0.1:$KEFU_TEST_SMTP_PORT, messages in $KEFU_TEST_SMTP_DIR/new"
  echo "(Ctrl-C to stop)"
  wait "$KEFU_MAIL__SMTP_PID" || true
fi
