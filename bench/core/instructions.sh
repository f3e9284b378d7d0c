#!/usr/bin/env bash
# Deterministic cost of a generated PHP core: x86 instructions per core call under callgrind (valgrind),
# opcache on, JIT off, over the golden vectors' inputs of OPS (default authorize,settle_usage):
# (Ir of 3 rounds - Ir of 1 round) / (2 * inputs), so loading and compiling the file cancel out.
#   bench/core/instructions.sh [FILE (default php-bridge/generated/core.php)] [OPS|all]
# Takes minutes (valgrind); the figure does not depend on the machine's load.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
core="$(realpath "${1:-$ROOT/php-bridge/generated/core.php}")"
ops="${2:-authorize,settle_usage}"
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
run() { php -d ffi.enable=0 -d opcache.enable_cli=1 -d opcache.jit=off "$ROOT/bench/core/instructions-run.php" "$core" "$ops" "$1"; }
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null php -d ffi.enable=0 -d opcache.enable_cli=1 -d opcache.jit=off \
  "$ROOT/bench/core/instructions-run.php" "$core" "$ops" "$1" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
n=$(run 0 2>&1 | awk '{print $1}')
a=$(ir 1)
b=$(ir 3)
echo "$(basename "$core") $ops: $(( (b - a) / (2 * n) )) x86 instructions per call ($n inputs)"
