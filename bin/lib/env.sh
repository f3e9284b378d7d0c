# Environment of every bin/ script: paths, ports, caches, messages, clean-up of a failed start.
# Sourced by bin/lib.sh (which sets AIPKIT_ROOT first).
# shellcheck shell=bash

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
