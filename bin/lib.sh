# Shared shell helpers for the bin/ scripts. Source it; it sets paths and defines functions.
# The parts live in bin/lib/: env.sh (paths, ports, messages, clean-up), db.sh (MariaDB),
# wordpress.sh (WordPress copies and wp-config.php), stack.sh (which WordPress/WooCommerce),
# server.sh (PHP server).
# shellcheck shell=bash

AIPKIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIPKIT_ROOT

# shellcheck source=bin/lib/env.sh
source "$AIPKIT_ROOT/bin/lib/env.sh"
# shellcheck source=bin/lib/db.sh
source "$AIPKIT_ROOT/bin/lib/db.sh"
# shellcheck source=bin/lib/stack.sh
source "$AIPKIT_ROOT/bin/lib/stack.sh"
# shellcheck source=bin/lib/wordpress.sh
source "$AIPKIT_ROOT/bin/lib/wordpress.sh"
# shellcheck source=bin/lib/server.sh
source "$AIPKIT_ROOT/bin/lib/server.sh"
