#!/usr/bin/env bash
# x86 instructions per call of the generated PHP core (callgrind; opcache on, JIT off), for comparing
# generator changes deterministically (docs/core.md, wasm2php/README.md). opcache.file_update_protection=0: a
# core written less than 2 s before would otherwise run uncached and unoptimised (+25 %):
#   bench/core/instructions.sh [CORE.php] [metered|all|mean] [ROUNDS]
# metered: the authorize + settle_usage vector inputs (default); all: every vector input; mean: the
# successful inputs with every operation weighted equally (backends.php's "mean", the ≤ 150 µs target).
set -euo pipefail
command -v valgrind >/dev/null || { echo "bench/core/instructions.sh needs valgrind (apt-get install valgrind; not used by any test)" >&2; exit 2; }
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
core="$(realpath "${1:-$ROOT/php-bridge/generated/core.php}")"
out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no --toggle-collect=zend_call_function \
  php -d opcache.enable_cli=1 -d opcache.jit=off -d opcache.file_update_protection=0 -d memory_limit=512M "$ROOT/bench/core/instructions.php" "$core" "${3:-1}" "${2:-metered}" 2>&1)
ir=$(echo "$out" | sed -n 's/.*Collected : //p')
calls=$(echo "$out" | sed -n 's/.*calls=\([0-9]*\).*/\1/p')
[ -n "$ir" ] && [ -n "$calls" ] && [ "$calls" -gt 0 ] || { echo "$out" >&2; exit 1; }
echo "$(echo "$out" | grep ' inputs=')  instructions per call: $((ir / calls))"
