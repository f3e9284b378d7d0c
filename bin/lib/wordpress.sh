# WordPress copies: lay out, write wp-config.php, link the plugins, install, activate, run PHP in them.
# Sourced by bin/lib.sh.
# shellcheck shell=bash

# wp_setup DIR DBNAME URL [STACK] [--replace]: copy WordPress of STACK (default: stack_default) into DIR
# (once), bring in themes the copy lacks, (re)write wp-config.php, link the plugins (and WooCommerce).
# A copy made from another stack is kept as it is (its database belongs to that WordPress) and a note
# says how to rebuild it; with --replace (throw-away copies: tests) it is made again from STACK.
# Sets WP_STACK to the stack the copy is made of.
wp_setup() {
  local dir="$1" dbname="$2" url="$3" stack="${4:-}" replace="${5:-}"
  [ -n "$stack" ] || stack=$(stack_default)
  local have=""
  if [ -f "$dir/wp-settings.php" ]; then
    # Copies made before stacks existed came from Debian's WordPress.
    have=$(cat "$dir/.aipkit-stack" 2>/dev/null || echo debian)
    if [ "$have" != "$stack" ]; then
      if [ "$replace" = --replace ]; then
        rm -rf "$dir"
      elif stack_available "$have"; then
        log "note: $dir was made from $(stack_label "$have"); keeping it ('npm run site:reset' rebuilds it from $(stack_label "$stack"))"
        stack="$have"
      else
        die "$dir was made from $(stack_label "$have"), whose archives are missing from $AIPKIT_VENDOR_DIR; set AIPKIT_VENDOR_DIR or run 'npm run site:reset'"
      fi
    fi
  fi
  local src; src=$(stack_wp_source "$stack") || exit 1
  if [ ! -f "$dir/wp-settings.php" ]; then
    log "copying $(stack_label "$stack") into $dir"
    mkdir -p "$dir"
    # Debian's tree is made of relative symlinks: dereference them so the copy stands alone.
    tar -C "$src" --exclude=./wp-content/languages --exclude=./wp-config.php \
        --exclude=./.htaccess -chf - . | tar -C "$dir" -xf - || die "copying WordPress into $dir failed"
    mkdir -p "$dir/wp-content/uploads"
    echo "$stack" > "$dir/.aipkit-stack"
  fi
  wp_sync_themes "$src" "$dir"
  WP_STACK="$stack"
  wp_write_config "$dir" "$dbname" "$url"
  wp_link_plugins "$dir" "$stack"
}

# wp_sync_themes SRC DIR: themes installed after a copy was made (e.g. Debian's theme package) reach it.
wp_sync_themes() {
  local src="$1" dir="$2" t
  mkdir -p "$dir/wp-content/themes"
  for t in "$src"/wp-content/themes/*/; do
    [ -d "$t" ] || continue
    t=$(basename "$t")
    [ -e "$dir/wp-content/themes/$t" ] && continue
    tar -C "$src/wp-content/themes" -chf - "$t" | tar -C "$dir/wp-content/themes" -xf - \
      || die "copying the theme $t into $dir failed"
  done
}

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
# tests load it through bin/php/cli-context.php, no server serves it). The network constants are left out
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

# wp_link_plugins DIR [STACK]: the plugin, the demo module and (stacks with WooCommerce) WooCommerce,
# linked rather than copied: WooCommerce's unpacked tree is shared by every copy of the stack.
wp_link_plugins() {
  local plugins="$1/wp-content/plugins" stack="${2:-debian}" wc
  ln -sfn "$AIPKIT_ROOT/php-bridge" "$plugins/aipkit-usage"
  if [ -d "$AIPKIT_ROOT/demo-module" ]; then
    ln -sfn "$AIPKIT_ROOT/demo-module" "$plugins/aipkit-usage-demo"
  else
    rm -f "$plugins/aipkit-usage-demo"
  fi
  wc=$(stack_wc_source "$stack") || exit 1
  if [ -n "$wc" ]; then
    ln -sfn "$wc" "$plugins/woocommerce"
  elif [ -L "$plugins/woocommerce" ]; then
    rm -f "$plugins/woocommerce"
  fi
}

# wp_install_site DIR TITLE PASSWORD: run wp_install() once (no-op when already installed), pretty
# permalinks; refuses (one line) a site without a usable theme, where every front-end page is empty.
wp_install_site() {
  local rc=0
  AIPKIT_WP_DIR="$1" AIPKIT_SITE_TITLE="$2" AIPKIT_INSTALL_PASSWORD="$3" \
    "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/install-wp.php" || rc=$?
  case "$rc" in
    0) ;;
    3) die "the site in $1 has no usable theme (every front-end page would be empty): run bin/install-deps (installs wordpress-theme-twentytwentythree) or provide the WordPress $STACK_WP_VERSION archive, then start again" ;;
    *) die "WordPress install in $1 failed" ;;
  esac
}

# wp_activate_plugins DIR: activate WooCommerce (when the copy has it), the plugin and the demo module
# when their main files exist; then finish WooCommerce's set-up (bin/php/setup-woocommerce.php:
# what its first wp-admin visit would do, shop live, offline payment; AIPKIT_WC_HPOS=off for posts storage).
wp_activate_plugins() {
  if [ -n "${AIPKIT_SKIP_ACTIVATE:-}" ]; then warn "AIPKIT_SKIP_ACTIVATE is set: not activating plugins"; return 0; fi
  # WooCommerce in a process of its own: the plugins activated next then load with it.
  if [ -e "$1/wp-content/plugins/woocommerce/woocommerce.php" ]; then
    AIPKIT_WP_DIR="$1" AIPKIT_ACTIVATE_ONLY=woocommerce/woocommerce.php "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/activate.php" \
      || die "activating WooCommerce in $1 failed"
  fi
  AIPKIT_WP_DIR="$1" AIPKIT_ACTIVATE_ONLY=aipkit-usage/aipkit-usage.php,aipkit-usage-demo/aipkit-usage-demo.php \
    "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/activate.php" || die "plugin activation in $1 failed"
  wp_setup_woocommerce "$1"
}

# wp_setup_woocommerce DIR: no-op without WooCommerce in the copy.
wp_setup_woocommerce() {
  [ -e "$1/wp-content/plugins/woocommerce/woocommerce.php" ] || return 0
  AIPKIT_WP_DIR="$1" "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/setup-woocommerce.php" || die "WooCommerce set-up in $1 failed"
}

# wp_run DIR FILE [ARGS...]: run a PHP file with that WordPress loaded.
wp_run() {
  local dir="$1"; shift
  AIPKIT_WP_DIR="$dir" "${PHP_FFI[@]}" "$AIPKIT_ROOT/bin/php/run-with-wp.php" "$@"
}

