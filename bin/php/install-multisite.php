<?php
// Installs a subdirectory multisite network into the WordPress at AIPKIT_WP_DIR (a wp-config.php from
// bin/lib.sh wp_write_multisite_config, empty database): the way wp-admin/network.php does it, each
// step in its own process because the main site must exist before WordPress can boot as a network.
//   1. --single  (AIPKIT_MS_SINGLE=1, no network constants): wp_install(), the network tables, populate_network()
//   2. --network (network constants on): create the sites named by AIPKIT_MS_SITES (comma-separated paths,
//      default "site2"), then network-activate the plugin unless AIPKIT_MS_NO_ACTIVATE=1.
// Prints one line per step; exits non-zero with the reason on failure.
$step = $argv[1] ?? '';
if ($step === '') {
    foreach (['--single' => '1', '--network' => '0'] as $arg => $single) {
        $cmd = escapeshellarg(PHP_BINARY) . ' -d ffi.enable=' . ('0' === getenv('AIPKIT_FFI') ? '0' : '1') . ' ' . escapeshellarg(__FILE__) . ' ' . $arg . ' 2>&1';
        putenv('AIPKIT_MS_SINGLE=' . $single);
        exec($cmd, $out, $rc);
        echo implode("\n", $out), "\n";
        if ($rc !== 0) {
            fwrite(STDERR, "error: multisite install step {$arg} failed\n");
            exit(1);
        }
        $out = [];
    }
    exit(0);
}

require __DIR__ . '/cli-context.php';

if ($step === '--single') {
    define('WP_INSTALLING', true);
    require $aipkit_wp_dir . '/wp-load.php';
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    if (is_multisite()) {
        fwrite(STDERR, "error: run --single with AIPKIT_MS_SINGLE=1 (wp-config.php defines MULTISITE)\n");
        exit(1);
    }
    $result = wp_install('aipkit-ms', 'admin', 'admin@example.test', false, '', wp_slash('password'));
    if (is_wp_error($result) || empty($result['user_id'])) {
        fwrite(STDERR, "error: wp_install failed\n");
        exit(1);
    }
    // What wp-admin/network.php does before creating the network.
    global $wpdb;
    foreach ($wpdb->tables('ms_global') as $table => $prefixed) {
        $wpdb->$table = $prefixed;
    }
    install_network();
    $network = populate_network(1, '127.0.0.1', 'admin@example.test', 'aipkit-ms', '/', false);
    if (is_wp_error($network)) {
        fwrite(STDERR, 'error: populate_network: ' . $network->get_error_message() . "\n");
        exit(1);
    }
    echo "installed the main site and the network\n";
    exit(0);
}

if ($step === '--network') {
    require $aipkit_wp_dir . '/wp-load.php';
    require_once ABSPATH . 'wp-admin/includes/plugin.php';
    if (!is_multisite()) {
        fwrite(STDERR, "error: WordPress did not boot as a network\n");
        exit(1);
    }
    $admin = get_user_by('login', 'admin');
    foreach (array_filter(explode(',', getenv('AIPKIT_MS_SITES') ?: 'site2')) as $slug) {
        $id = wpmu_create_blog('127.0.0.1', '/' . trim($slug, '/') . '/', $slug, $admin->ID);
        if (is_wp_error($id)) {
            fwrite(STDERR, "error: creating site {$slug}: " . $id->get_error_message() . "\n");
            exit(1);
        }
        echo "created site {$id} /{$slug}/\n";
    }
    if (getenv('AIPKIT_MS_NO_ACTIVATE') !== '1') {
        $result = activate_plugin('aipkit-usage/aipkit-usage.php', '', true);
        if (is_wp_error($result)) {
            fwrite(STDERR, 'error: network activation failed: ' . $result->get_error_message() . "\n");
            exit(1);
        }
        echo "network-activated aipkit-usage\n";
    }
    exit(0);
}

fwrite(STDERR, "usage: install-multisite.php [--single|--network]\n");
exit(2);

// wp_install() mails the admin; there is no mail transport here.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
