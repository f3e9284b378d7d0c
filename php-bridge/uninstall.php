<?php
/**
 * Runs when the plugin is deleted from Plugins > Installed Plugins.
 *
 * Options, capabilities and scheduled events always go; the tables (logs, balances, ledger) are
 * dropped only if the admin turned on "delete data on uninstall" (see AipkitUsage\Uninstaller).
 *
 * @package AipkitUsage
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

if ( ! defined( 'AIPKIT_USAGE_DIR' ) ) {
	// WordPress includes only this file for an inactive plugin: set up the loader ourselves.
	define( 'AIPKIT_USAGE_VERSION', '0.1.0' );
	define( 'AIPKIT_USAGE_FILE', __DIR__ . '/aipkit-usage.php' );
	define( 'AIPKIT_USAGE_DIR', __DIR__ . '/' );
	require_once __DIR__ . '/includes/Autoloader.php';
	\AipkitUsage\Autoloader::register( 'AipkitUsage\\', __DIR__ . '/includes/' );
}

\AipkitUsage\Uninstaller::run();
