<?php
/**
 * Plugin Name:       AI Puffer Usage (aipkit-usage)
 * Description:       Usage for AI Puffer: conversation logs and exact, race-free, auditable credit billing (pricing rules, balances, quotas, ledger, WooCommerce credit packages).
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            aipkit-usage contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       aipkit-usage
 * Domain Path:       /languages
 *
 * @package AipkitUsage
 */

// This file must stay parseable by old PHP versions so that the version check below can report
// the problem instead of a parse error: no typed properties, no match, no named arguments here.

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'AIPKIT_USAGE_VERSION', '0.1.0' );
define( 'AIPKIT_USAGE_FILE', __FILE__ );
define( 'AIPKIT_USAGE_DIR', plugin_dir_path( __FILE__ ) );

if ( version_compare( PHP_VERSION, '8.1', '<' ) ) {
	// The classes use PHP 8.1 syntax; loading them would be a fatal error. Say so and stop.
	$aipkit_usage_old_php = sprintf(
		/* translators: 1: required PHP version, 2: running PHP version */
		__( 'AI Puffer Usage needs PHP %1$s or newer; this site runs PHP %2$s.', 'aipkit-usage' ),
		'8.1',
		PHP_VERSION
	);
	add_action(
		'admin_notices',
		function () use ( $aipkit_usage_old_php ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $aipkit_usage_old_php ) . '</p></div>';
		}
	);
	register_activation_hook(
		__FILE__,
		function () use ( $aipkit_usage_old_php ) {
			wp_die( esc_html( $aipkit_usage_old_php ), esc_html__( 'Plugin not activated', 'aipkit-usage' ), [ 'back_link' => true ] );
		}
	);
	return;
}

require_once AIPKIT_USAGE_DIR . 'includes/Autoloader.php';
\AipkitUsage\Autoloader::register( 'AipkitUsage\\', AIPKIT_USAGE_DIR . 'includes/' );

if ( is_readable( AIPKIT_USAGE_DIR . 'api.php' ) ) {
	require_once AIPKIT_USAGE_DIR . 'api.php';
}

register_activation_hook( __FILE__, [ \AipkitUsage\Plugin::class, 'activate' ] );
register_deactivation_hook( __FILE__, [ \AipkitUsage\Plugin::class, 'deactivate' ] );

\AipkitUsage\Plugin::instance()->boot();
