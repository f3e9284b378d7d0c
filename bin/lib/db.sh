# The private MariaDB: data directory, start/stop (serialised on a lock), databases.
# Sourced by bin/lib.sh.
# shellcheck shell=bash

DB_DATADIR="$AIPKIT_LOCAL/mysql"
DB_SOCKET="$AIPKIT_LOCAL/mysql.sock"
DB_PIDFILE="$AIPKIT_LOCAL/mysql.pid"
DB_LOG="$AIPKIT_LOCAL/mysql.log"
# Written after a successful mariadb-install-db; tells our datadir apart from a foreign/half-made one.
DB_MARKER="$DB_DATADIR/.aipkit-datadir"

# Environment for anything that wants to reach the private database (benchmarks, tools).
export AIPKIT_DB_HOST=127.0.0.1 AIPKIT_DB_SOCKET="$DB_SOCKET" AIPKIT_DB_USER=root AIPKIT_DB_PASSWORD=""

db() { mariadb --no-defaults -S "$DB_SOCKET" -u root "$@"; }
db_ping() { mariadb-admin --no-defaults -S "$DB_SOCKET" -u root --connect-timeout=2 ping >/dev/null 2>&1; }
# Answering on our socket is what counts (the pid file may lag behind a concurrent start).
db_running() { db_ping; }

db_init() {
  if [ -d "$DB_DATADIR" ]; then
    if [ ! -f "$DB_MARKER" ]; then
      die "$DB_DATADIR exists but was not made by this tool (or its setup was interrupted); run 'npm run site:reset' or move it away"
    fi
    local made now
    made=$(cat "$DB_MARKER")
    now=$(db_server_series)
    if [ "$made" != "$now" ]; then
      die "$DB_DATADIR was created by MariaDB $made but this machine runs $now; run 'npm run site:reset' (wipes local data) or use that version"
    fi
    return 0
  fi
  log "creating MariaDB data directory in $DB_DATADIR"
  if ! mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$DB_DATADIR" \
        --auth-root-authentication-method=normal --skip-test-db >"$AIPKIT_LOCAL/mysql-install.log" 2>&1; then
    rm -rf "$DB_DATADIR"
    die "mariadb-install-db failed; see $AIPKIT_LOCAL/mysql-install.log"
  fi
  db_server_series > "$DB_MARKER"
}

# Major.minor of the installed server: data directories are compatible within a series.
db_server_series() { mariadbd --version | sed -n 's/.*Ver \([0-9]*\.[0-9]*\).*/\1/p'; }

# The pid of a mariadbd serving our data directory, found by its exact --datadir argument (the pid
# file can be missing after an interrupted start).
db_server_pid() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    # 2>/dev/null before the < : a process may exit between the glob and the read.
    if tr '\0' '\n' 2>/dev/null < "$f" | grep -qxF -- "--datadir=$DB_DATADIR"; then
      tr '\0' '\n' 2>/dev/null < "$f" | head -1 | grep -q 'mariadbd$' && { echo "$pid"; return 0; }
    fi
  done
  return 0
}

# Several scripts may start the database at once (a test run, a benchmark): serialise on a lock file.
db_lock() { exec 8>"$AIPKIT_LOCAL/.db.lock"; flock -w 120 8 || die "timed out waiting for $AIPKIT_LOCAL/.db.lock"; }
db_unlock() { flock -u 8 2>/dev/null || true; exec 8>&-; }

db_start() {
  ensure_local_dir
  if db_running; then return 0; fi
  db_lock
  _db_start_locked
  db_unlock
}

_db_start_locked() {
  if db_running; then return 0; fi
  local stale; stale=$(pidfile_pid "$DB_PIDFILE")
  pid_alive "$stale" || stale=$(db_server_pid)
  if pid_alive "$stale"; then
    # Maybe still starting (crash recovery): give it a moment before calling it stuck.
    local i; for ((i=0; i<50; i++)); do db_ping && return 0; sleep 0.2; done
    die "a MariaDB process ($stale) holds $DB_DATADIR but does not answer on $DB_SOCKET; run 'npm stop' and retry"
  fi
  rm -f "$DB_PIDFILE" "$DB_SOCKET"
  if port_in_use "$AIPKIT_DB_PORT"; then
    die "port $AIPKIT_DB_PORT is in use by another program; set AIPKIT_DB_PORT to a free port"
  fi
  command -v mariadbd >/dev/null || die "mariadbd not found; run bin/install-deps"
  db_init
  log "starting MariaDB on 127.0.0.1:$AIPKIT_DB_PORT (socket $DB_SOCKET)"
  : > "$DB_LOG"
  8>&- setsid mariadbd --no-defaults --user="$(id -un)" --datadir="$DB_DATADIR" --socket="$DB_SOCKET" \
    --port="$AIPKIT_DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve --skip-log-bin \
    --pid-file="$DB_PIDFILE" --log-error="$DB_LOG" \
    --innodb-buffer-pool-size=128M --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >>"$DB_LOG" 2>&1 &
  local pid=$!
  echo "$pid" > "$DB_PIDFILE"
  on_fail_stop db_stop
  local i
  for ((i=0; i<150; i++)); do
    if db_ping; then return 0; fi
    if ! pid_alive "$pid"; then
      local why; why=$(grep -m1 -E '\[ERROR\]' "$DB_LOG" | sed 's/^.*\[ERROR\] *//')
      die "MariaDB failed to start: ${why:-see $DB_LOG}"
    fi
    sleep 0.2
  done
  die "MariaDB did not answer within 30 s; see $DB_LOG"
}

db_stop() {
  local pid; pid=$(pidfile_pid "$DB_PIDFILE")
  pid_alive "$pid" || pid=$(db_server_pid)
  if ! pid_alive "$pid" && db_ping; then
    mariadb-admin --no-defaults -S "$DB_SOCKET" -u root shutdown >/dev/null 2>&1 || true
  fi
  if pid_alive "$pid"; then
    mariadb-admin --no-defaults -S "$DB_SOCKET" -u root shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local i
    for ((i=0; i<100; i++)); do pid_alive "$pid" || break; sleep 0.2; done
    pid_alive "$pid" && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$DB_PIDFILE"
}

# db_create NAME: create a database if missing (utf8mb4).
db_create() { db -e "CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"; }
db_drop() { db -e "DROP DATABASE IF EXISTS \`$1\`"; }

