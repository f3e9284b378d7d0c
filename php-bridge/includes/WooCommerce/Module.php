<?php
namespace AipkitUsage\WooCommerce;

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce credit packages. Registered whether or not WooCommerce is active: every hook is one that
 * only WooCommerce fires, so without it nothing runs and nothing fatals; the REST routes and the
 * Billing > WooCommerce tab then say that WooCommerce is not active. Deactivating WooCommerce keeps the ledger.
 */
final class Module {
	public function register(): void {
		add_action( 'before_woocommerce_init', [ self::class, 'declare_compatibility' ] );
		foreach ( [ OrderItems::class, Grants::class, ProductEditor::class, OrderBox::class, \AipkitUsage\Rest\Billing\WooCommerceController::class ] as $c ) {
			( new $c() )->register();
		}
	}

	public static function active(): bool {
		return class_exists( 'WooCommerce' ) && function_exists( 'wc_get_order' );
	}

	/** HPOS (custom order tables) and the cart/checkout blocks: both used and tested (tests/php/WooCommerce). */
	public static function declare_compatibility(): void {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', AIPKIT_USAGE_FILE, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', AIPKIT_USAGE_FILE, true );
		}
	}

	/** True when orders live in WooCommerce's own tables (HPOS) rather than posts. */
	public static function hpos(): bool {
		return class_exists( \Automattic\WooCommerce\Utilities\OrderUtil::class )
			&& \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled();
	}

	/** @return array<int,array<string,mixed>> credit products with their amounts and edit links */
	public static function products(): array {
		if ( ! self::active() ) {
			return [];
		}
		$ids = wc_get_products(
			[
				'limit'      => 200,
				'status'     => [ 'publish', 'draft', 'pending', 'private' ],
				'meta_key'   => CreditPackage::FLAG, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key -- small, admin-only list.
				'meta_value' => 'yes', // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_value -- small, admin-only list.
				'orderby'    => 'title',
				'order'      => 'ASC',
				'return'     => 'ids',
			]
		);
		$out = [];
		foreach ( $ids as $id ) {
			$p = wc_get_product( $id );
			if ( ! $p ) {
				continue;
			}
			$out[] = [
				'id'       => (int) $id,
				'name'     => $p->get_name(),
				'type'     => $p->get_type(),
				'status'   => $p->get_status(),
				'credits'  => ProductEditor::amounts( $p ),
				'price'    => html_entity_decode( wp_strip_all_tags( wc_price( (float) $p->get_price() ) ) ),
				'edit_url' => get_edit_post_link( $id, 'raw' ),
				'view_url' => get_permalink( $id ),
			];
		}
		return $out;
	}
}
