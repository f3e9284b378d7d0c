<?php
// Finishes WooCommerce's set-up in the WordPress at AIPKIT_WP_DIR, in a process of its own after the
// activation: what the first wp-admin visit would do (install its tables and options), then a shop that
// works offline and without a wizard: onboarding skipped, shop live (9.x+ starts in "coming soon"),
// cash on delivery on, US dollars. Order storage: HPOS unless AIPKIT_WC_HPOS=off (posts storage).
// Safe to run again.
require __DIR__ . '/cli-context.php';
require $aipkit_wp_dir . '/wp-load.php';

if (!class_exists('WooCommerce') || !class_exists('WC_Install')) {
    fwrite(STDERR, "error: WooCommerce is not active in {$aipkit_wp_dir}\n");
    exit(1);
}
if (!get_option('woocommerce_version') || !get_option('woocommerce_db_version')) {
    WC_Install::install();
}
if (method_exists('WC_Install', 'newly_installed') && !get_option('aipkit_wc_newly_installed_done')) {
    WC_Install::newly_installed();
    update_option('aipkit_wc_newly_installed_done', 1, false);
}

update_option('woocommerce_onboarding_profile', ['skipped' => true, 'completed' => true]);
update_option('woocommerce_task_list_hidden', 'yes');
update_option('woocommerce_extended_task_list_hidden', 'yes');
update_option('woocommerce_show_marketplace_suggestions', 'no');
update_option('woocommerce_allow_tracking', 'no');
update_option('woocommerce_coming_soon', 'no');
update_option('woocommerce_store_pages_only', 'no');
update_option('woocommerce_currency', 'USD');
update_option('woocommerce_default_country', 'US:CA');
update_option('woocommerce_calc_taxes', 'no');
update_option('woocommerce_enable_guest_checkout', 'yes');
$cod = (array) get_option('woocommerce_cod_settings', []);
$cod['enabled'] = 'yes';
$cod += ['title' => 'Cash on delivery', 'description' => 'Pay with cash upon delivery.'];
update_option('woocommerce_cod_settings', $cod);

$hpos = 'off' !== getenv('AIPKIT_WC_HPOS');
$want = $hpos ? 'yes' : 'no';
if (get_option('woocommerce_custom_orders_table_enabled') !== $want) {
    if ($hpos && class_exists('Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\DataSynchronizer')) {
        // The HPOS tables must exist before WooCommerce reads orders from them (7.9 creates them on demand).
        $sync = wc_get_container()->get(Automattic\WooCommerce\Internal\DataStores\Orders\DataSynchronizer::class);
        if (method_exists($sync, 'create_database_tables') && !$sync->check_orders_table_exists()) {
            $sync->create_database_tables();
        }
    }
    update_option('woocommerce_custom_orders_table_enabled', $want);
}
// Posts storage keeps no copy in the HPOS tables (and vice versa): nothing to sync on a fresh shop.
update_option('woocommerce_custom_orders_table_data_sync_enabled', 'no');

echo 'WooCommerce ' . WC()->version . ' ready (' . ($hpos ? 'HPOS' : 'posts') . " order storage, shop live, cash on delivery on)\n";
