#!/usr/bin/env bash
# Private, throwaway PostgreSQL server for tests (never touches the system cluster/service).
#
# Two ways to use it:
#
#   source scripts/start-postgres.sh   # defines kefu_pg_start / kefu_pg_stop
#   kefu_pg_start                      # exports KEFU_TEST_PG, KEFU_PG_PORT, KEFU_PG_DIR (socket dir)
#   ...                                # run tests
#   kefu_pg_stop                       # stop the server, delete its directory (idempotent, silent)
#
#   scripts/start-postgres.sh -- CMD ARGS...   # run CMD with KEFU_TEST_PG set, then clean up
#   scripts/start-postgres.sh                  # start, print connection info, wait for Ctrl-C
#
# The server: initdb (trust auth) into a fresh temp dir owned by the `postgres` user when
# running as root (root cannot run postgres), listening only on 127.0.0.1 on the first free
# port from $KEFU_PG_START_PORT (default 55432), unix socket in the temp dir, durability off
# (fsync/synchronous_commit/full_page_writes) for speed, max_connections=200.
# Binaries: newest /usr/lib/postgresql/*/bin (override with KEFU_PG_BINDIR).
# Tests get: KEFU_TEST_PG="Host=127.0.0.1;Port=<port>;Username=postgres;Database=postgres"

kefu_pg__log() { echo "start-postgres: $*" >&2; }

# Command prefix that runs a command as the postgres user. setpriv execs directly (no
# lingering parent process), so `$!` of a backgrounded server is the postmaster itself.
# Non-root users run postgres as themselves.
kefu_pg__as_pg_prefix() {
  if ((EUID != 0)); then
    KEFU_PG__AS=()
  elif command -v setpriv >/dev/null 2>&1; then
    KEFU_PG__AS=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  else
    KEFU_PG__AS=(runuser -u postgres --)
  fi
}

kefu_pg__bindir() {
  local d
  if [[ -n "${KEFU_PG_BINDIR:-}" ]]; then
    echo "$KEFU_PG_BINDIR"
    return
  fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z "$d" || ! -x "$d/postgres" ]]; then
    kefu_pg__log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    return 1
  fi
  echo "$d"
}

kefu_pg__port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

kefu_pg_start() {
  local bindir base dir port tries pid deadline
  bindir=$(kefu_pg__bindir) || return 1
  kefu_pg__as_pg_prefix

  # State lives in non-exported KEFU_PG__* variables, so child processes that inherit the
  # exported KEFU_PG_* values can start their own server and never delete ours.
  if [[ -n "${KEFU_PG__DIR:-}" ]]; then
    kefu_pg__log "already started in this shell ($KEFU_PG__DIR)"
    return 1
  fi
  # Short path: the unix socket path must stay below ~107 bytes. tmpfs if it is roomy
  # (Docker's default 64 MB /dev/shm is not), else /tmp.
  base=/tmp
  if [[ -d /dev/shm && -w /dev/shm ]] &&
    (($(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }' || true) + 0 > 4 * 1024 * 1024)); then
    base=/dev/shm
  fi
  dir=$(mktemp -d "$base/kefu-pg.XXXXXX") || return 1
  KEFU_PG__DIR=$dir
  if ((EUID == 0)); then
    chown postgres:postgres "$dir" || { kefu_pg_stop; return 1; }
  fi
  chmod 700 "$dir"

  # cd: initdb/postgres must not depend on the caller's cwd being readable by `postgres`.
  if ! (cd "$dir" && exec "${KEFU_PG__AS[@]}" "$bindir/initdb" -D "$dir/data" \
    --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    >"$dir/initdb.log" 2>&1); then
    cat "$dir/initdb.log" >&2
    kefu_pg__log "initdb failed"
    kefu_pg_stop
    return 1
  fi

  port=${KEFU_PG_START_PORT:-55432}
  for ((tries = 0; tries < 50; tries++, port++)); do
    kefu_pg__port_in_use "$port" && continue
    # Settings on the command line, so a retry on another port needs no config edits.
    (
      cd "$dir" || exit 1
      exec </dev/null >>"$dir/postgres.log" 2>&1
      exec "${KEFU_PG__AS[@]}" "$bindir/postgres" -D "$dir/data" \
        -p "$port" \
        -c listen_addresses=127.0.0.1 \
        -c unix_socket_directories="$dir" \
        -c max_connections=200 \
        -c fsync=off \
        -c synchronous_commit=off \
        -c full_page_writes=off \
        -c wal_level=minimal -c max_wal_senders=0 \
        -c shared_buffers=128MB \
        -c logging_collector=off \
        -c log_min_messages=warning
    ) &
    pid=$!
    KEFU_PG__PID=$pid
    deadline=$((SECONDS + 60))
    # Poll via our own unix socket: on 127.0.0.1 we might reach another server that won the
    # race for this port. Postgres creates the socket only after binding TCP succeeded.
    while ! "$bindir/pg_isready" -q -h "$dir" -p "$port" -U postgres -d postgres -t 1; do
      if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || true
        pid=
        KEFU_PG__PID=
        break
      fi
      if ((SECONDS > deadline)); then
        tail -n 30 "$dir/postgres.log" >&2
        kefu_pg__log "server not ready after 60s"
        kefu_pg_stop
        return 1
      fi
      sleep 0.1
    done
    if [[ -n "$pid" ]]; then
      KEFU_PG_DIR=$dir
      KEFU_PG_PORT=$port
      KEFU_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      export KEFU_PG_DIR KEFU_PG_PORT KEFU_TEST_PG
      return 0
    fi
    # Died before becoming ready. Lost a race for the port? Then try the next one.
    if ! grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/postgres.log"; then
      tail -n 30 "$dir/postgres.log" >&2
      kefu_pg__log "server failed to start"
      kefu_pg_stop
      return 1
    fi
  done
  kefu_pg__log "no free port found"
  kefu_pg_stop
  return 1
}

# Stop the server (immediate shutdown: the data is thrown away anyway) and delete its
# directory. Idempotent, silent, never fails: safe to call from an EXIT trap.
kefu_pg_stop() {
  local pid=${KEFU_PG__PID:-} dir=${KEFU_PG__DIR:-} i
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -QUIT "$pid" 2>/dev/null || true # SIGQUIT = immediate shutdown (children too)
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  if [[ -n "$pid" ]]; then
    wait "$pid" 2>/dev/null || true # reap; only possible in the shell that started it
  fi
  if [[ -n "$dir" ]]; then
    rm -rf -- "$dir" 2>/dev/null || true
    unset KEFU_PG__PID KEFU_PG__DIR KEFU_PG_DIR KEFU_PG_PORT KEFU_TEST_PG
  fi
  return 0
}

# Executed (not sourced): standalone use.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  trap kefu_pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  kefu_pg_start
  if [[ "${1:-}" == "--" ]]; then
    shift
    (($# > 0)) || { kefu_pg__log "usage: $0 [-- CMD ARGS...]"; exit 2; }
    rc=0
    "$@" || rc=$?
    exit "$rc"
  fi
  echo "export KEFU_TEST_PG=\"$KEFU_TEST_PG\""
  echo "psql -h 127.0.0.1 -p $KEFU_PG_PORT -U postgres    # or: psql -h $KEFU_PG_DIR -p $KEFU_PG_PORT -U postgres"
  echo "(Ctrl-C to stop the server and delete it)"
  rc=0
  wait "$KEFU_PG__PID" || rc=$? # returns early on a signal; the traps then clean up
  kefu_pg__log "server exited (status $rc)"
  exit 1
fi
