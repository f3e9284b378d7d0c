# PHP's built-in server (php -S) for a WordPress copy, detached in its own process group.
# Sourced by bin/lib.sh.
# shellcheck shell=bash

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
  rm -f "$pidfile" "$AIPKIT_LOCAL/$name.port" "$AIPKIT_LOCAL/$name.ffi"
}
