# Shared shell helpers for the bin/ scripts. Source it; it sets paths and defines functions.
# shellcheck shell=bash

AIPKIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIPKIT_ROOT

# Everything mutable lives under one directory so site:reset is a single rm -rf.
_local="${AIPKIT_LOCAL_DIR:-.local}"
case "$_local" in /*) ;; *) _local="$AIPKIT_ROOT/$_local" ;; esac
AIPKIT_LOCAL="$_local"
unset _local
export AIPKIT_LOCAL_DIR="$AIPKIT_LOCAL"

export AIPKIT_PORT="${AIPKIT_PORT:-8080}"
export AIPKIT_DB_PORT="${AIPKIT_DB_PORT:-3307}"
export AIPKIT_CACHE="${AIPKIT_CACHE:-/root/.cache/aipkit-usage}"
WASM_BINDGEN_VERSION="0.2.130"
export WASM_BINDGEN_DIR="$AIPKIT_CACHE/wasm-bindgen-$WASM_BINDGEN_VERSION"
[ -x "$WASM_BINDGEN_DIR/bin/wasm-bindgen" ] && export WASM_BINDGEN="${WASM_BINDGEN:-$WASM_BINDGEN_DIR/bin/wasm-bindgen}"
case ":$PATH:" in *":$WASM_BINDGEN_DIR/bin:"*) ;; *) export PATH="$WASM_BINDGEN_DIR/bin:$PATH" ;; esac
[ -d "$HOME/.cargo/bin" ] && case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac

DB_DATADIR="$AIPKIT_LOCAL/mysql"
DB_SOCKET="$AIPKIT_LOCAL/mysql.sock"
DB_PIDFILE="$AIPKIT_LOCAL/mysql.pid"
DB_LOG="$AIPKIT_LOCAL/mysql.log"
# Written after a successful mariadb-install-db; tells our datadir apart from a foreign/half-made one.
DB_MARKER="$DB_DATADIR/.aipkit-datadir"

# Environment for anything that wants to reach the private database (benchmarks, tools).
export AIPKIT_DB_HOST=127.0.0.1 AIPKIT_DB_SOCKET="$DB_SOCKET" AIPKIT_DB_USER=root AIPKIT_DB_PASSWORD=""

# AIPKIT_FFI=0: every PHP these scripts start (the server, bin/site-php, test stages) runs with FFI
# disabled, as on hosts that forbid it; the plugin then runs its PHP core (docs/core.md).
export AIPKIT_FFI="${AIPKIT_FFI:-1}"
if [ "$AIPKIT_FFI" = 0 ]; then FFI_INI=(-d ffi.enable=0); else FFI_INI=(-d ffi.enable=1); fi
PHP_FFI=(php "${FFI_INI[@]}")

log()  { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
# One line on failure: when this run had started something, the same line says it was undone.
_died=0
die() {
  _died=1
  if [ "${#_started[@]}" -gt 0 ]; then printf 'error: %s (stopped what this run had started)\n' "$*" >&2
  else printf 'error: %s\n' "$*" >&2; fi
  exit 1
}

# Cleanup-on-failure: scripts register what they started; a failing start undoes it.
_started=()
on_fail_stop() { _started+=("$1"); }
_fail_cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "${#_started[@]}" -gt 0 ]; then
    local i
    for ((i=${#_started[@]}-1; i>=0; i--)); do eval "${_started[$i]}" >/dev/null 2>&1 || true; done
    [ "$_died" = 1 ] || printf 'error: start failed; stopped what this run had started.\n' >&2
  fi
  return "$rc"
}
trap _fail_cleanup EXIT

ensure_local_dir() {
  mkdir -p "$AIPKIT_LOCAL" 2>/dev/null || die "cannot create $AIPKIT_LOCAL (no write permission?)"
  [ -w "$AIPKIT_LOCAL" ] || die "no write permission on $AIPKIT_LOCAL"
  local probe="$AIPKIT_LOCAL/.write-test.$$"
  ( : > "$probe" ) 2>/dev/null || die "no write permission on $AIPKIT_LOCAL"
  rm -f "$probe"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { if [ -f "$1" ]; then tr -dc "0-9" < "$1"; fi; return 0; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- MariaDB

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

# ---------------------------------------------------------------- WordPress

# wp_setup DIR DBNAME URL: copy WordPress into DIR (once), (re)write wp-config.php, link the plugins.
wp_setup() {
  local dir="$1" dbname="$2" url="$3"
  [ -d /usr/share/wordpress ] || die "/usr/share/wordpress missing; run bin/install-deps"
  if [ ! -f "$dir/wp-settings.php" ]; then
    log "copying WordPress $(wp_version) into $dir"
    mkdir -p "$dir"
    # Debian's tree is made of relative symlinks: dereference them so the copy stands alone.
    tar -C /usr/share/wordpress --exclude=./wp-content/languages --exclude=./wp-config.php \
        --exclude=./.htaccess -chf - . | tar -C "$dir" -xf - || die "copying WordPress into $dir failed"
    mkdir -p "$dir/wp-content/uploads"
  fi
  wp_write_config "$dir" "$dbname" "$url"
  wp_link_plugins "$dir"
}

wp_version() { sed -n "s/^\$wp_version = '\(.*\)';/\1/p" /usr/share/wordpress/wp-includes/version.php; }

# wp_config_common DBNAME: the wp-config.php lines every local install shares (database on the private
# MariaDB socket, one set of salts for all installs, no outbound HTTP or auto-updates, errors logged
# rather than shown, the core library's path). Creates the salts on first use.
wp_config_common() {
  local dbname="$1" salts="$AIPKIT_LOCAL/salts.php"
  if [ ! -f "$salts" ]; then
    php -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) { printf("define(%s, %s);\n", var_export($k, true), var_export(bin2hex(random_bytes(32)), true)); }' \
      | { echo '<?php'; cat; } > "$salts"
  fi
  cat <<PHP
define('DB_NAME', '$dbname');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:$DB_SOCKET');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
require __DIR__ . '/../salts.php';
\$table_prefix = 'wp_';
define('WP_HTTP_BLOCK_EXTERNAL', true);
// 'local' lets Application Passwords work over plain http on 127.0.0.1 (WordPress wants HTTPS otherwise).
define('WP_ENVIRONMENT_TYPE', 'local');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', false);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', __DIR__ . '/../logs/' . basename(__DIR__) . '-debug.log');
define('SCRIPT_DEBUG', false);
define('AIPKIT_USAGE_LIB', '$AIPKIT_ROOT/php-bridge/lib/libaipkit_usage.so');
PHP
}

# The last lines of every wp-config.php: load WordPress.
wp_config_load() {
  cat <<'PHP'
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP
}

wp_write_config() {
  local dir="$1" dbname="$2" url="$3"
  {
    echo '<?php'
    echo '// Written by bin/lib.sh (wp_write_config) on every start; edits here are overwritten.'
    wp_config_common "$dbname"
    echo "define('WP_HOME', '$url');"
    echo "define('WP_SITEURL', '$url');"
    wp_config_load
  } > "$dir/wp-config.php"
  mkdir -p "$AIPKIT_LOCAL/logs"
}

# wp_write_multisite_config DIR DBNAME: a subdirectory multisite network on 127.0.0.1 (CLI use only:
# tests load it through bin/php/wp-env.php, no server serves it). The network constants are left out
# while AIPKIT_MS_SINGLE=1, which bin/php/install-multisite.php sets for the single-site install that
# precedes the network install (as wp-admin/network.php expects).
wp_write_multisite_config() {
  local dir="$1" dbname="$2"
  {
    echo '<?php'
    echo '// Written by bin/lib.sh (wp_write_multisite_config); edits here are overwritten.'
    wp_config_common "$dbname"
    cat <<'PHP'
if (getenv('AIPKIT_MS_SINGLE') !== '1') {
    define('WP_ALLOW_MULTISITE', true);
    define('MULTISITE', true);
    define('SUBDOMAIN_INSTALL', false);
    define('DOMAIN_CURRENT_SITE', '127.0.0.1');
    define('PATH_CURRENT_SITE', '/');
    define('SITE_ID_CURRENT_SITE', 1);
    define('BLOG_ID_CURRENT_SITE', 1);
}
PHP
    wp_config_load
  } > "$dir/wp-config.php"
  mkdir -p "$AIPKIT_LOCAL/logs"
}

wp_link_plugins() {
  local plugins="$1/wp-content/plugins"
  ln -sfn "$AIPKIT_ROOT/php-bridge" "$plugins/aipkit-usage"
  if [ -d "$AIPKIT_ROOT/demo-module" ]; then
    ln -sfn "$AIPKIT_ROOT/demo-module" "$plugins/aipkit-usage-demo"
  else
    rm -f "$plugins/aipkit-usage-demo"
  fi
}

# wp_install_site DIR TITLE PASSWORD: run wp_install() once (no-op when already installed), pretty permalinks.
wp_install_site() {
  AIPKIT_WP_DIR="$1" AIPKIT_SITE_TITLE="$2" AIPKIT_INSTALL_PASSWORD="$3" \
    "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/install-wp.php" || die "WordPress install in $1 failed"
}

# wp_activate_plugins DIR: activate the plugin and the demo module when their main files exist.
wp_activate_plugins() {
  if [ -n "${AIPKIT_SKIP_ACTIVATE:-}" ]; then warn "AIPKIT_SKIP_ACTIVATE is set: not activating plugins"; return 0; fi
  AIPKIT_WP_DIR="$1" "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/activate.php" || die "plugin activation in $1 failed"
}

# wp_run DIR FILE [ARGS...]: run a PHP file with that WordPress loaded.
wp_run() {
  local dir="$1"; shift
  AIPKIT_WP_DIR="$dir" "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/run-with-wp.php" "$@"
}

# ---------------------------------------------------------------- PHP built-in server

# server_start NAME DIR PORT: php -S detached in its own process group; pid file .local/NAME.pid
server_start() {
  local name="$1" dir="$2" port="$3"
  local pidfile="$AIPKIT_LOCAL/$name.pid" logf="$AIPKIT_LOCAL/$name.log"
  local pid; pid=$(pidfile_pid "$pidfile")
  if pid_alive "$pid"; then
    # Ours and on the requested port: keep it. Otherwise (moved port, hung) replace it.
    if [ "$(cat "$AIPKIT_LOCAL/$name.port" 2>/dev/null)" = "$port" ] && [ "$(cat "$AIPKIT_LOCAL/$name.ffi" 2>/dev/null || echo 1)" = "$AIPKIT_FFI" ] \
       && server_answers "$port"; then return 0; fi
    server_stop "$name"
  fi
  rm -f "$pidfile"
  if port_in_use "$port"; then
    die "port $port is in use by another program; set AIPKIT_PORT to a free port (or stop that program)"
  fi
  log "starting PHP server on http://127.0.0.1:$port (docroot $dir)"
  PHP_CLI_SERVER_WORKERS=4 AIPKIT_DOCROOT="$dir" 8>&- setsid php "${FFI_INI[@]}" -d memory_limit=512M \
    -d max_execution_time=120 -S "127.0.0.1:$port" -t "$dir" "$AIPKIT_ROOT/bin/router.php" \
    </dev/null >>"$logf" 2>&1 &
  pid=$!
  echo "$pid" > "$pidfile"
  echo "$port" > "$AIPKIT_LOCAL/$name.port"
  echo "$AIPKIT_FFI" > "$AIPKIT_LOCAL/$name.ffi"
  on_fail_stop "server_stop $name"
  local i
  for ((i=0; i<100; i++)); do
    if server_answers "$port"; then return 0; fi
    pid_alive "$pid" || die "PHP server exited at start; see $logf"
    sleep 0.1
  done
  die "PHP server did not answer on port $port; see $logf"
}

server_answers() { curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$1/wp-includes/images/blank.gif"; }

server_stop() {
  local name="$1" pidfile="$AIPKIT_LOCAL/$1.pid"
  local pid; pid=$(pidfile_pid "$pidfile")
  # The group, not just the master: workers outlive a master that was killed on its own.
  if [ -n "$pid" ] && { pid_alive "$pid" || kill -0 -- "-$pid" 2>/dev/null; }; then
    # php -S workers survive a TERM to the master: signal the whole process group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    local i
    for ((i=0; i<50; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$AIPKIT_LOCAL/$name.port"
}

# ---------------------------------------------------------------- misc

admin_password() {
  local f="$AIPKIT_LOCAL/credentials"
  if [ -n "${AIPKIT_ADMIN_PASSWORD:-}" ]; then
    printf 'admin\n%s\n' "$AIPKIT_ADMIN_PASSWORD" > "$f"
  elif [ ! -f "$f" ]; then
    printf 'admin\n%s\n' "$(php -r 'echo bin2hex(random_bytes(9));')" > "$f"
  fi
  chmod 600 "$f"
  sed -n 2p "$f"
}

# True when a built artefact is missing or older than any of its sources.
needs_build() {
  local out="$1"; shift
  [ -e "$out" ] || return 0
  [ -n "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}
