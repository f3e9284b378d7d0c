<?php
namespace AipkitUsage\WooCommerce;

use AipkitUsage\Billing\Decimal;

defined( 'ABSPATH' ) || exit;

/**
 * Freezes a credit package's amount into the order item when the item is first saved, whatever
 * created it (classic checkout, Store API / block checkout, wp-admin, REST, code): later edits of the
 * product change nothing for orders already placed. The total follows the item's quantity (an admin may
 * edit it) until the item's credits are granted.
 */
final class OrderItems {
	public const PER_UNIT = '_aipkit_credits_per_unit';
	public const TOTAL    = '_aipkit_credits_total';

	public function register(): void {
		add_action( 'woocommerce_before_order_item_object_save', [ self::class, 'freeze' ], 10, 1 );
	}

	/** @param \WC_Order_Item $item */
	public static function freeze( $item ): void {
		// Refund lines are copies of the refunded item, meta ids included: writing to them would
		// overwrite the original item's frozen amounts.
		if ( ! $item instanceof \WC_Order_Item_Product || $item->get_quantity() < 0 || '' !== (string) $item->get_meta( '_refunded_item_id' ) ) {
			return;
		}
		$per_unit = (string) $item->get_meta( self::PER_UNIT );
		if ( '' === $per_unit ) {
			// Only when the item is new: an item saved before it was a package stays what it was.
			if ( $item->get_id() ) {
				return;
			}
			$product  = $item->get_product();
			$per_unit = $product ? CreditPackage::credits_per_unit( $product ) : null;
			if ( null === $per_unit ) {
				return;
			}
			$item->add_meta_data( self::PER_UNIT, $per_unit, true );
		}
		$total = CreditPackage::total( Decimal::db( $per_unit ), (int) $item->get_quantity() );
		if ( is_wp_error( $total ) ) {
			return;
		}
		if ( (string) $item->get_meta( self::TOTAL ) !== $total && ! Grants::granted_item( (int) $item->get_order_id(), (int) $item->get_id() ) ) {
			$item->update_meta_data( self::TOTAL, $total );
		}
	}

	/** @return array{per_unit:string,total:string}|null the frozen amounts, null when the item is no package */
	public static function frozen( \WC_Order_Item $item ): ?array {
		if ( ! $item instanceof \WC_Order_Item_Product ) {
			return null;
		}
		$per_unit = (string) $item->get_meta( self::PER_UNIT );
		if ( '' === $per_unit ) {
			return null;
		}
		$total = (string) $item->get_meta( self::TOTAL );
		return [
			'per_unit' => Decimal::db( $per_unit ),
			'total'    => '' === $total ? '0.000000' : Decimal::db( $total ),
		];
	}
}
