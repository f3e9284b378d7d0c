<?php
namespace AipkitUsage\WooCommerce;

use AipkitUsage\Billing\Decimal;
use AipkitUsage\Settings;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * "Credits were not granted after purchase": the four checks of the documentation (status, linked user,
 * product marked as a package, amount > 0), each passed or failed with a plain sentence, plus what the
 * ledger holds for the order. Used by Billing > WooCommerce ("Check an order"), the REST route and the
 * order screen's box.
 */
final class Diagnostics {
	/** @return array|WP_Error */
	public static function for_order( int $order_id ) {
		if ( ! Module::active() ) {
			return new WP_Error( 'aipkit_woocommerce_inactive', __( 'WooCommerce is not active.', 'aipkit-usage' ), [ 'status' => 409 ] );
		}
		$order = wc_get_order( $order_id );
		if ( ! $order instanceof \WC_Order || $order instanceof \WC_Order_Refund ) {
			return new WP_Error(
				'aipkit_order_not_found',
				/* translators: %d: order number */
				sprintf( __( 'There is no order #%d.', 'aipkit-usage' ), $order_id ),
				[
					'status' => 404,
					'field'  => 'id',
				]
			);
		}
		$statuses = Settings::woocommerce_grant_statuses();
		$status   = $order->get_status();
		$user_id  = (int) $order->get_customer_id();
		$user     = $user_id ? get_userdata( $user_id ) : false;
		$packages = Grants::package_items( $order );
		$unmarked = Grants::unmarked_package_items( $order );
		$granted  = Grants::ledger_by_item( $order_id );
		$totals   = [];
		$items    = [];
		foreach ( $order->get_items( 'line_item' ) as $item_id => $item ) {
			$frozen = OrderItems::frozen( $item );
			$g      = $granted[ (int) $item_id ] ?? null;
			if ( $frozen ) {
				$totals[] = $frozen['total'];
			}
			$items[] = [
				'item_id'     => (int) $item_id,
				'name'        => $item->get_name(),
				'quantity'    => (int) $item->get_quantity(),
				'package'     => null !== $frozen,
				'per_unit'    => $frozen['per_unit'] ?? null,
				'total'       => $frozen['total'] ?? null,
				'granted'     => $g['granted'] ?? null,
				'ledger_id'   => $g['ledger_id'] ?? null,
				'reversed'    => $g['reversed'] ?? null,
				'uncollected' => $g['uncollected'] ?? null,
			];
		}
		$total      = Amounts::sum( $totals );
		$labels     = implode( ', ', array_map( 'wc_get_order_status_name', $statuses ) );
		$checks     = [
			[
				'key'     => 'status',
				'label'   => __( 'Order status', 'aipkit-usage' ),
				'passed'  => in_array( $status, $statuses, true ),
				'message' => in_array( $status, $statuses, true )
					/* translators: %s: order status */
					? sprintf( __( 'The order is %s, a status that grants credits.', 'aipkit-usage' ), wc_get_order_status_name( $status ) )
					/* translators: 1: order status, 2: statuses that grant credits */
					: sprintf( __( 'The order is %1$s. Credits are granted when it is %2$s: change its status when the order is paid.', 'aipkit-usage' ), wc_get_order_status_name( $status ), $labels ),
			],
			[
				'key'     => 'customer',
				'label'   => __( 'Linked user', 'aipkit-usage' ),
				'passed'  => (bool) $user,
				'message' => $user
					/* translators: 1: user name, 2: login */
					? sprintf( __( 'The order belongs to the user %1$s (%2$s).', 'aipkit-usage' ), $user->display_name, $user->user_login )
					: __( 'This is a guest order: credits need a WordPress user account. Link a customer to the order in its Customer field, then complete it again or use "Grant now".', 'aipkit-usage' ),
			],
			[
				'key'     => 'package',
				'label'   => __( 'Credit package', 'aipkit-usage' ),
				'passed'  => (bool) $packages,
				'message' => $packages
					/* translators: %s: product names */
					? sprintf( __( 'Marked as an AI Puffer credit package when the order was placed: %s.', 'aipkit-usage' ), implode( ', ', array_map( static fn( $i ) => $i->get_name(), $packages ) ) )
					: ( $unmarked
						? __( 'The products were not marked as AI Puffer credit packages when this order was placed; orders placed before the product was marked grant nothing.', 'aipkit-usage' )
						: __( 'No product in this order is marked as an AI Puffer credit package (product editor > AI Puffer: Credit Package).', 'aipkit-usage' ) ),
			],
			[
				'key'     => 'amount',
				'label'   => __( 'Credit amount', 'aipkit-usage' ),
				'passed'  => $packages && ! Decimal::is_zero( $total ),
				'message' => $packages && ! Decimal::is_zero( $total )
					/* translators: %s: credits */
					? sprintf( __( 'The order’s packages are worth %s AI credits.', 'aipkit-usage' ), Amounts::display( $total ) )
					: __( 'The credit amount is 0: set Credits Granted Per Quantity on the product (new orders use the new amount).', 'aipkit-usage' ),
			],
		];
		$all_passed = ! in_array( false, array_column( $checks, 'passed' ), true );
		$ungranted  = array_diff_key( $packages, $granted );
		return [
			'order_id'  => $order_id,
			'number'    => (string) $order->get_order_number(),
			'status'    => $status,
			'customer'  => $user ? [
				'id'    => (int) $user->ID,
				'name'  => $user->display_name,
				'login' => $user->user_login,
			] : null,
			'edit_url'  => $order->get_edit_order_url(),
			'checks'    => $checks,
			'passed'    => $all_passed,
			'items'     => $items,
			'can_grant' => $all_passed && (bool) $ungranted,
			'ledger'    => array_map(
				static function ( $r ) {
					return [
						'id'            => (int) $r['id'],
						'created_at'    => strtotime( $r['created_at'] . ' UTC' ),
						'kind'          => $r['kind'],
						'user_id'       => (int) $r['user_id'],
						'amount'        => Decimal::db( $r['amount'] ),
						'uncollected'   => Decimal::db( $r['uncovered'] ),
						'balance_after' => null === $r['balance_after'] ? null : Decimal::db( $r['balance_after'] ),
						'order_item_id' => (int) $r['order_item_id'],
						'note'          => (string) $r['note'],
					];
				},
				Grants::ledger_rows( $order_id )
			),
		];
	}
}
