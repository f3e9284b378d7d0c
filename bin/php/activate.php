<?php
// Activates the plugin (and the demo module when present) in its own process: activation must not share
// a process with wp_install(), whose WP_INSTALLING mode changes how options and plugins load.
require __DIR__ . '/cli-context.php';
require $aipkit_wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

// WooCommerce first (when the copy has it): the plugin's WooCommerce integration hooks in at load time.
$plugins = [
    'woocommerce/woocommerce.php' => 'WooCommerce',
    'aipkit-usage/aipkit-usage.php' => 'the plugin (php-bridge/aipkit-usage.php)',
    'aipkit-usage-demo/aipkit-usage-demo.php' => 'the demo module (demo-module/aipkit-usage-demo.php)',
];
$only = getenv('AIPKIT_ACTIVATE_ONLY');
$failed = false;
foreach ($plugins as $file => $label) {
    if ($only && !in_array($file, explode(',', $only), true)) {
        continue;
    }
    if (!is_file(WP_PLUGIN_DIR . '/' . $file)) {
        if ('woocommerce/woocommerce.php' === $file) {
            continue;
        }
        echo "skipped: {$label} does not exist yet\n";
        continue;
    }
    if (is_plugin_active($file)) {
        continue;
    }
    wp_cache_flush();
    $result = activate_plugin($file);
    if (is_wp_error($result)) {
        fwrite(STDERR, "error: activating {$label} failed: " . $result->get_error_message() . "\n");
        $failed = true;
        break;
    }
    echo "activated {$label}\n";
}
exit($failed ? 1 : 0);
