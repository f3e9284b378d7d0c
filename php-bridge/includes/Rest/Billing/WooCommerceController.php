<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use AipkitUsage\WooCommerce\Diagnostics;
use AipkitUsage\WooCommerce\Module;
use AipkitUsage\WooCommerce\OrderBox;
use WP_Error;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * aipkit/v1/woocommerce: the state of the integration (WooCommerce active, order storage, credit
 * products) for Billing > WooCommerce, an order's diagnostics ("Check an order") and "Grant now".
 */
final class WooCommerceController extends Controller {
	public function register_routes(): void {
		$cap = Capabilities::MANAGE_BALANCES;
		$this->route(
			'/woocommerce',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'status' ],
					'capability' => $cap,
				],
			]
		);
		$this->route(
			'/woocommerce/orders/(?P<id>\d+)/diagnostics',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'diagnostics' ],
					'capability' => $cap,
					'args'       => [ 'id' => self::int_arg( 1, PHP_INT_MAX ) ],
				],
			]
		);
		$this->route(
			'/woocommerce/orders/(?P<id>\d+)/grant',
			[
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'grant' ],
					'capability' => $cap,
					'args'       => [ 'id' => self::int_arg( 1, PHP_INT_MAX ) ],
				],
			]
		);
	}

	public function status(): \WP_REST_Response {
		$active = Module::active();
		return rest_ensure_response(
			[
				'active'          => $active,
				'version'         => $active ? (string) WC()->version : null,
				'hpos'            => $active && Module::hpos(),
				'products'        => Module::products(),
				'new_product_url' => $active ? admin_url( 'post-new.php?post_type=product' ) : null,
			]
		);
	}

	public function diagnostics( WP_REST_Request $r ) {
		$d = Diagnostics::for_order( (int) $r['id'] );
		return is_wp_error( $d ) ? $d : rest_ensure_response( $d );
	}

	public function grant( WP_REST_Request $r ) {
		// phpcs:ignore WordPress.WP.Capabilities.Unknown -- WooCommerce's capability.
		if ( ! current_user_can( 'edit_shop_orders' ) ) {
			return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to edit orders.', 'aipkit-usage' ), [ 'status' => 403 ] );
		}
		$d = Diagnostics::for_order( (int) $r['id'] );
		if ( is_wp_error( $d ) ) {
			return $d;
		}
		if ( ! $d['passed'] ) {
			return new WP_Error( 'aipkit_grant_checks_failed', __( 'Nothing was granted: the order does not pass the checks.', 'aipkit-usage' ), [ 'status' => 409 ] );
		}
		$result = OrderBox::grant_checked( wc_get_order( (int) $r['id'] ) );
		return rest_ensure_response( $result + [ 'diagnostics' => Diagnostics::for_order( (int) $r['id'] ) ] );
	}
}
