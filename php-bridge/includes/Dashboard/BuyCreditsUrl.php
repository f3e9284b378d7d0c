<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Where the dashboard's "Buy credits" button goes: the shortcode's buycreditsurl → the Default buy
 * credits URL setting → the WooCommerce shop page when a credit product is on sale → no button ('').
 */
final class BuyCreditsUrl {
	/** Product meta that marks a WooCommerce credit package (shared with the WooCommerce integration). */
	public const PACKAGE_META = '_aipkit_credit_package';

	public static function resolve( string $attribute ): string {
		if ( '' !== $attribute ) {
			return $attribute;
		}
		$setting = Settings::buy_credits_url();
		if ( '' !== $setting ) {
			return $setting;
		}
		if ( ! function_exists( 'wc_get_page_permalink' ) || ! self::credit_product_exists() ) {
			return '';
		}
		$shop = (int) get_option( 'woocommerce_shop_page_id' );
		return $shop > 0 && 'publish' === get_post_status( $shop ) ? (string) get_permalink( $shop ) : '';
	}

	/** A published product marked as a credit package exists (one indexed lookup, memoised per request). */
	public static function credit_product_exists(): bool {
		$found = wp_cache_get( 'credit_product', 'aipkit_usage_dashboard' );
		if ( false !== $found ) {
			return 'yes' === $found;
		}
		global $wpdb;
		$id = $wpdb->get_var(
			$wpdb->prepare(
				"SELECT p.ID FROM {$wpdb->postmeta} pm JOIN {$wpdb->posts} p ON p.ID = pm.post_id
				 WHERE pm.meta_key = %s AND pm.meta_value = 'yes' AND p.post_type = 'product' AND p.post_status = 'publish' LIMIT 1",
				self::PACKAGE_META
			)
		);
		wp_cache_add_non_persistent_groups( [ 'aipkit_usage_dashboard' ] );
		wp_cache_set( 'credit_product', $id ? 'yes' : 'no', 'aipkit_usage_dashboard' );
		return (bool) $id;
	}
}
