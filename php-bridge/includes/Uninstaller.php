<?php
namespace AipkitUsage;

use AipkitUsage\Schema\Schema;

defined( 'ABSPATH' ) || exit;

/**
 * What uninstall.php does, per site: always removes this plugin's options, transients,
 * capabilities and scheduled events (hooks prefixed aipkit_usage_), and always drops the
 * conversation logs (PERSONAL_TABLES): they hold what people typed, and once the plugin is gone
 * no privacy eraser can reach them. The money tables (balances, ledger, holds, quotas, pricing)
 * are dropped only when that site's admin opted in with `delete_data_on_uninstall`, so financial
 * records are never lost by accident. Settings and readme.txt say so where the choice is made.
 */
final class Uninstaller {
	/** Tables (without the aipkit_ prefix) that hold people's own words: dropped on every uninstall. */
	public const PERSONAL_TABLES = [ 'logs', 'conversations', 'log_terms' ];

	/** @return array<int,bool> site id => whether its tables were dropped */
	public static function run(): array {
		$result = [];
		if ( is_multisite() ) {
			$result = Sites::each( static fn () => self::site() );
			global $wpdb;
			$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s", $wpdb->esc_like( 'aipkit_usage_' ) . '%' ) );
		} else {
			$result[ get_current_blog_id() ] = self::site();
		}
		wp_cache_flush();
		return $result;
	}

	/** Cleans the current site; returns true when its tables were dropped. */
	public static function site(): bool {
		global $wpdb;
		// Read the opt-in before the options go.
		$drop = Settings::delete_data_on_uninstall();

		foreach ( Plugin::scheduled_hooks() as $hook ) {
			wp_unschedule_hook( $hook );
		}
		Capabilities::remove_all();

		$like = [
			$wpdb->esc_like( 'aipkit_usage_' ) . '%',
			$wpdb->esc_like( '_transient_aipkit_usage_' ) . '%',
			$wpdb->esc_like( '_transient_timeout_aipkit_usage_' ) . '%',
			$wpdb->esc_like( '_site_transient_aipkit_usage_' ) . '%',
			$wpdb->esc_like( '_site_transient_timeout_aipkit_usage_' ) . '%',
		];
		foreach ( $like as $pattern ) {
			$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s", $pattern ) );
		}

		foreach ( self::PERSONAL_TABLES as $name ) {
			$wpdb->query( 'DROP TABLE IF EXISTS `' . esc_sql( Schema::table( $name ) ) . '`' );
		}
		if ( $drop ) {
			foreach ( Schema::table_names() as $table ) {
				// Table names come from our own fixed list and the site prefix, never from input.
				$wpdb->query( 'DROP TABLE IF EXISTS `' . esc_sql( $table ) . '`' );
			}
			$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE meta_key LIKE %s", $wpdb->esc_like( $wpdb->get_blog_prefix() . 'aipkit_usage_' ) . '%' ) );
		}
		wp_cache_flush();
		return $drop;
	}
}
