<?php
// PHPUnit bootstrap for the WordPress integration suite: reinstalls the test database (aipkit_test,
// or AIPKIT_TEST_DB for another stack)
// from nothing, activates the plugin in a separate process (so its activation creates the tables
// before any test runs; DDL inside a test would commit the test's transaction), then loads WordPress.
//
// PHPUnit includes this file inside a function and copies its new local variables into $GLOBALS
// afterwards. WordPress assigns some globals at file scope (e.g. `$shortcode_tags = array()`), so the
// locals that shadow them are removed at the end of this file; phpunit.xml.dist sets backupGlobals=false.

// PHPUnit's own locals live in this scope too; remember them so the clean-up below leaves them alone.
$aipkit_initial_vars = array_keys(get_defined_vars());
$aipkit_root = dirname(__DIR__, 2);

if (getenv('AIPKIT_TEST_PREPARED') !== '1') {
    // Run directly (phpunit without bin/test-php): let bin/test-php start MariaDB and lay out the test site.
    passthru('bash ' . escapeshellarg($aipkit_root . '/bin/test-php') . ' --prepare', $aipkit_rc);
    if ($aipkit_rc !== 0) {
        fwrite(STDERR, "error: preparing the test site failed (bin/test-php --prepare)\n");
        exit(1);
    }
}
$aipkit_wp_dir = getenv('AIPKIT_TEST_WP_DIR') ?: ((getenv('AIPKIT_LOCAL_DIR') ?: $aipkit_root . '/.local') . '/test-wordpress');
if (!is_file($aipkit_wp_dir . '/wp-config.php')) {
    fwrite(STDERR, "error: no test WordPress at {$aipkit_wp_dir}; run the suite through bin/test-php\n");
    exit(1);
}
if (!is_file($aipkit_root . '/php-bridge/aipkit-usage.php')) {
    fwrite(STDERR, "error: php-bridge/aipkit-usage.php does not exist: nothing to test\n");
    exit(1);
}
putenv('AIPKIT_TEST_WP_DIR=' . $aipkit_wp_dir);
putenv('AIPKIT_WP_DIR=' . $aipkit_wp_dir);

// 1. Fresh database.
$aipkit_socket = (getenv('AIPKIT_LOCAL_DIR') ?: $aipkit_root . '/.local') . '/mysql.sock';
$aipkit_db = new mysqli('localhost', 'root', '', '', 0, $aipkit_socket);
$aipkit_db_name = getenv('AIPKIT_TEST_DB') ?: 'aipkit_test';
if (!preg_match('/^aipkit_test[a-z0-9_]*$/', $aipkit_db_name)) {
    fwrite(STDERR, "error: AIPKIT_TEST_DB must start with aipkit_test (it is dropped and made again)\n");
    exit(1);
}
$aipkit_db->query('DROP DATABASE IF EXISTS `' . $aipkit_db_name . '`');
$aipkit_db->query('CREATE DATABASE `' . $aipkit_db_name . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
$aipkit_db->close();

// 2. Install and activate, each in its own process (see bin/php/*.php).
$aipkit_php = escapeshellarg(PHP_BINARY) . ' -d ffi.enable=' . ('0' === getenv('AIPKIT_FFI') ? '0' : '1') . ' ';
$aipkit_env = 'AIPKIT_WP_DIR=' . escapeshellarg($aipkit_wp_dir) . ' AIPKIT_INSTALL_PASSWORD=password AIPKIT_SITE_TITLE=aipkit-test ';
foreach (
    [
        'install' => $aipkit_env . $aipkit_php . escapeshellarg($aipkit_root . '/bin/php/install-wp.php'),
        // WooCommerce (when the test copy has it) in its own process, then the plugin, then WooCommerce's
        // first-visit set-up (AIPKIT_WC_HPOS=off in the environment selects posts storage).
        'activate WooCommerce' => is_file($aipkit_wp_dir . '/wp-content/plugins/woocommerce/woocommerce.php')
            ? $aipkit_env . 'AIPKIT_ACTIVATE_ONLY=woocommerce/woocommerce.php ' . $aipkit_php . escapeshellarg($aipkit_root . '/bin/php/activate.php') : null,
        'activate' => $aipkit_env . 'AIPKIT_ACTIVATE_ONLY=aipkit-usage/aipkit-usage.php ' . $aipkit_php . escapeshellarg($aipkit_root . '/bin/php/activate.php'),
        'set up WooCommerce' => is_file($aipkit_wp_dir . '/wp-content/plugins/woocommerce/woocommerce.php')
            ? $aipkit_env . $aipkit_php . escapeshellarg($aipkit_root . '/bin/php/setup-woocommerce.php') : null,
    ] as $aipkit_step => $aipkit_cmd
) {
    if (null === $aipkit_cmd) {
        continue;
    }
    exec($aipkit_cmd . ' 2>&1', $aipkit_out, $aipkit_rc);
    if ($aipkit_rc !== 0) {
        fwrite(STDERR, "error: test site {$aipkit_step} failed:\n" . implode("\n", $aipkit_out) . "\n");
        exit(1);
    }
    $aipkit_out = [];
}

// 3. Load WordPress (with the plugin active) into this process.
require $aipkit_root . '/bin/php/cli-context.php';
// Globals that wp-config.php / wp-settings.php read back through `global` must be global before loading.
global $table_prefix, $wpdb, $wp_version, $wp_db_version, $shortcode_tags, $wp_rewrite, $wp, $wp_query,
    $wp_the_query, $wp_roles, $wp_locale, $wp_embed, $wp_widget_factory, $wp_filter, $wp_actions,
    $wp_current_filter, $wp_plugin_paths, $current_user, $pagenow, $blog_id, $wp_object_cache, $l10n;
define('WP_USE_THEMES', false);
require_once $aipkit_wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
if (!is_plugin_active('aipkit-usage/aipkit-usage.php')) {
    fwrite(STDERR, "error: the plugin is not active in the test site after activation\n");
    exit(1);
}

// Test helpers live under tests/php/ in namespace AipkitUsage\Tests (PSR-4).
spl_autoload_register(static function (string $class): void {
    $prefix = 'AipkitUsage\\Tests\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

// wp_die() throws AipkitUsage\Tests\WpDieException in tests (instead of exiting PHPUnit).
foreach (['wp_die_handler', 'wp_die_ajax_handler', 'wp_die_json_handler', 'wp_die_jsonp_handler', 'wp_die_xmlrpc_handler', 'wp_die_xml_handler'] as $aipkit_filter) {
    add_filter($aipkit_filter, static fn() => [\AipkitUsage\Tests\WpDieException::class, 'handler'], PHP_INT_MAX);
}

// WordPress file-scope variables that never became globals are published as globals (as at real global
// scope); none overwrites an existing global. Then every local goes, so PHPUnit copies nothing back.
foreach (array_diff(array_keys(get_defined_vars()), $aipkit_initial_vars) as $aipkit_var) {
    if (strncmp($aipkit_var, 'aipkit_', 7) !== 0 && !array_key_exists($aipkit_var, $GLOBALS)) {
        $GLOBALS[$aipkit_var] = $$aipkit_var;
    }
}
foreach (array_diff(array_keys(get_defined_vars()), $aipkit_initial_vars, ['aipkit_initial_vars']) as $aipkit_var) {
    unset($$aipkit_var);
}
unset($aipkit_initial_vars);
unset($aipkit_var);
