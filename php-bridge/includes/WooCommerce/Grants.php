<?php
namespace AipkitUsage\WooCommerce;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\Ledger;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Transaction;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Settings;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Credits for credit-package orders: one `purchase` ledger entry per order item when the order reaches a
 * grant status (key purchase:{order}:{item}, so every path that completes an order, twice or at the same
 * moment from two processes, credits once), `purchase_reversal` entries for refunds (key per refund and
 * item) and for the rest on Refunded/Cancelled. Every grant, skip and reversal leaves an order note.
 * Trashing or deleting an order does not touch the ledger.
 */
final class Grants {
	public function register(): void {
		add_action( 'woocommerce_order_status_changed', [ self::class, 'on_status_changed' ], 20, 4 );
		add_action( 'woocommerce_order_refunded', [ self::class, 'on_refunded' ], 20, 2 );
	}

	/** @param \WC_Order|null $order */
	public static function on_status_changed( $order_id, $from, $to, $order = null ): void {
		$order = $order instanceof \WC_Order ? $order : wc_get_order( $order_id );
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		if ( in_array( $to, Settings::woocommerce_grant_statuses(), true ) ) {
			self::grant( $order );
		} elseif ( in_array( $to, [ 'refunded', 'cancelled' ], true ) ) {
			self::reverse_rest( $order, $to );
		} elseif ( in_array( $to, [ 'processing', 'on-hold' ], true ) && self::package_items( $order ) && ! self::granted( (int) $order->get_id() ) ) {
			$order->add_order_note(
				sprintf(
					/* translators: 1: order status, 2: list of grant statuses */
					__( 'AI credits not granted yet: %1$s is not a grant status (credits are granted on: %2$s).', 'aipkit-usage' ),
					wc_get_order_status_name( $to ),
					implode( ', ', array_map( 'wc_get_order_status_name', Settings::woocommerce_grant_statuses() ) )
				)
			);
		}
	}

	/**
	 * Grants every package item of the order that has not been granted yet, to the order's customer.
	 * Safe to call any number of times ("Grant now" calls it too).
	 *
	 * @return array{granted:array,skipped:array} per item: item_id, amount, ledger_id | reason
	 */
	public static function grant( \WC_Order $order ): array {
		$out   = [
			'granted' => [],
			'skipped' => [],
		];
		$items = self::package_items( $order );
		if ( ! $items ) {
			$unmarked = self::unmarked_package_items( $order );
			if ( $unmarked ) {
				$order->add_order_note( __( 'No AI credits granted: the products in this order were not AI Puffer credit packages when it was placed.', 'aipkit-usage' ) );
				$out['skipped'][] = [ 'reason' => 'not_a_package' ];
			}
			return $out;
		}
		$user_id = (int) $order->get_customer_id();
		$user    = $user_id ? get_userdata( $user_id ) : false;
		if ( ! $user ) {
			$order->add_order_note( __( 'No AI credits granted: this is a guest order. Credits need a customer account: link a customer to the order, then complete it again (or use "Grant now").', 'aipkit-usage' ) );
			$out['skipped'][] = [ 'reason' => 'guest_order' ];
			return $out;
		}
		$order_id = (int) $order->get_id();
		foreach ( $items as $item_id => $item ) {
			$frozen = OrderItems::frozen( $item );
			// Units refunded before the grant are not granted (refunds after it are reversed instead).
			$refunded = abs( (int) $order->get_qty_refunded_for_item( $item_id ) );
			if ( $refunded > 0 && ! Decimal::is_zero( $frozen['total'] ) ) {
				$net = CreditPackage::total( $frozen['per_unit'], (int) $item->get_quantity() - $refunded );
				if ( is_wp_error( $net ) ) {
					self::failed_note( $order, $net );
					continue;
				}
				$frozen['total'] = $net;
			}
			if ( Decimal::is_zero( $frozen['total'] ) ) {
				$order->add_order_note(
					/* translators: %s: product name */
					sprintf( __( 'No AI credits granted for "%s": its credit amount is 0.', 'aipkit-usage' ), $item->get_name() )
				);
				$out['skipped'][] = [
					'item_id' => $item_id,
					'reason'  => 'amount_zero',
				];
				continue;
			}
			$key = Ledger::key( 'purchase', [ $order_id, $item_id ] );
			if ( is_wp_error( $key ) ) {
				self::failed_note( $order, $key );
				continue;
			}
			$amount = Decimal::parse( 'amount', $frozen['total'] );
			if ( is_wp_error( $amount ) ) {
				self::failed_note( $order, $amount );
				continue;
			}
			$fields = [
				'order_id'      => $order_id,
				'order_item_id' => $item_id,
				'note'          => sprintf( '%s × %d', $item->get_name(), (int) $item->get_quantity() ),
			];
			$login  = $user->user_login;
			// One unit for the entry and its order note: one commit (one log flush, most of what a grant
			// costs) and never a grant without its note.
			$r = Transaction::run(
				static function () use ( $order, $user_id, $amount, $key, $fields, $login ) {
					$c = Balances::credit_locked( $user_id, $amount, 'purchase', $key, $fields );
					if ( is_wp_error( $c ) ) {
						return $c;
					}
					self::note_in_unit(
						$order,
						sprintf(
							/* translators: 1: credits, 2: customer name, 3: ledger entry id */
							__( 'Granted %1$s AI credits to %2$s, ledger #%3$d.', 'aipkit-usage' ),
							Amounts::display( $amount ),
							$login,
							$c['ledger_id']
						),
						(int) $c['ledger_id']
					);
					return $c;
				}
			);
			$r = Balances::credited( $user_id, 'purchase', $r );
			if ( is_wp_error( $r ) ) {
				self::failed_note( $order, $r );
				continue;
			}
			if ( ! empty( $r['duplicate'] ) ) {
				continue;
			}
			$out['granted'][] = [
				'item_id'   => $item_id,
				'amount'    => $amount,
				'ledger_id' => (int) $r['ledger_id'],
			];
		}
		return $out;
	}

	/** A refund after a grant takes back the refunded share of each granted item's credits. */
	public static function on_refunded( $order_id, $refund_id ): void {
		$order  = wc_get_order( $order_id );
		$refund = wc_get_order( $refund_id );
		if ( ! $order instanceof \WC_Order || ! $refund instanceof \WC_Order_Refund ) {
			return;
		}
		$granted = self::ledger_by_item( (int) $order_id );
		if ( ! $granted ) {
			return;
		}
		$shares = [];
		foreach ( $refund->get_items() as $refund_item ) {
			$item_id = (int) $refund_item->get_meta( '_refunded_item_id' );
			$item    = $item_id ? $order->get_item( $item_id ) : null;
			if ( ! isset( $granted[ $item_id ] ) || ! $item instanceof \WC_Order_Item_Product ) {
				continue;
			}
			$qty = abs( (int) $refund_item->get_quantity() );
			if ( $qty > 0 ) {
				$share = Amounts::share( $granted[ $item_id ]['granted'], (string) $qty, (string) $item->get_quantity() );
			} else {
				$share = Amounts::share( $granted[ $item_id ]['granted'], self::money( abs( (float) $refund_item->get_total() ) ), self::money( (float) $item->get_total() ) );
			}
			$shares[ $item_id ] = $share;
		}
		if ( ! $shares && ! count( $refund->get_items() ) ) {
			// A refund by amount for the whole order: every granted item gives back the same fraction.
			foreach ( $granted as $item_id => $g ) {
				$shares[ $item_id ] = Amounts::share( $g['granted'], self::money( (float) $refund->get_amount() ), self::money( (float) $order->get_total() ) );
			}
		}
		foreach ( $shares as $item_id => $share ) {
			// What remained before this unit can only shrink: nothing then is nothing now.
			if ( Decimal::is_zero( $share ) || Decimal::is_zero( $granted[ $item_id ]['remaining'] ) ) {
				continue;
			}
			/* translators: %d: refund id */
			self::reverse( $order, $item_id, $share, (string) $refund_id, sprintf( __( 'refund #%d', 'aipkit-usage' ), $refund_id ) );
		}
	}

	/** Refunded or Cancelled after a grant: what remains of each item's credits goes back. */
	public static function reverse_rest( \WC_Order $order, string $status ): void {
		foreach ( self::ledger_by_item( (int) $order->get_id() ) as $item_id => $g ) {
			if ( Decimal::is_zero( $g['remaining'] ) ) {
				continue;
			}
			self::reverse( $order, $item_id, null, 'rest', wc_get_order_status_name( $status ) );
		}
	}

	/**
	 * One reversal of one granted item, in one unit with its ledger row. The item's grant entry is locked
	 * first, so reversals of the same item (two refunds, a refund and a cancellation, two processes
	 * handling one refund) take turns, and each reads the reversals committed before it: the core then
	 * caps $requested (null: all that is left) at what remains, and the total never exceeds the grant.
	 */
	private static function reverse( \WC_Order $order, int $item_id, ?string $requested, string $key_part, string $why ): void {
		$order_id  = (int) $order->get_id();
		$key       = Ledger::key( 'purchase_reversal', [ $order_id, $item_id, $key_part ] );
		$grant_key = Ledger::key( 'purchase', [ $order_id, $item_id ] );
		foreach ( [ $key, $grant_key ] as $k ) {
			if ( is_wp_error( $k ) ) {
				self::failed_note( $order, $k );
				return;
			}
		}
		$fields  = [
			'order_id'      => $order_id,
			'order_item_id' => $item_id,
			/* translators: %s: refund or status that caused the reversal */
			'note'          => sprintf( __( 'Reversal (%s)', 'aipkit-usage' ), $why ),
		];
		$options = [
			'partial'        => true,
			'allow_negative' => Settings::woocommerce_allow_negative_balance(),
		];
		// The item's reversal keys share the prefix "purchase_reversal:{order}:{item}:" (the unique index serves it).
		$prefix  = substr( $key, 0, -strlen( $key_part ) );
		$user_id = 0;
		$r       = Transaction::run(
			static function () use ( $order, $why, $key, $grant_key, $prefix, $requested, $fields, $options, &$user_id ) {
				global $wpdb;
				$t     = Tables::ledger();
				$grant = Transaction::row( $wpdb->prepare( "SELECT user_id, amount FROM $t WHERE idempotency_key = %s FOR UPDATE", $grant_key ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
				if ( ! $grant ) {
					return null;
				}
				$user_id = (int) $grant['user_id'];
				// A locking read sees every committed reversal, whatever snapshot the unit's caller holds.
				$rows = Transaction::rows( $wpdb->prepare( "SELECT amount, uncovered FROM $t WHERE idempotency_key LIKE %s LOCK IN SHARE MODE", $wpdb->esc_like( $prefix ) . '%' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
				$d    = Gateway::instance()->reversal(
					[
						'granted'   => Decimal::db( $grant['amount'] ),
						'reversals' => array_map(
							static fn ( $row ) => [
								'amount'    => Decimal::db( $row['amount'] ),
								'uncovered' => Decimal::db( $row['uncovered'] ),
							],
							$rows
						),
						'requested' => $requested,
					]
				);
				if ( is_wp_error( $d ) ) {
					return $d;
				}
				if ( Decimal::is_zero( $d['amount'] ) ) {
					return null;
				}
				$c = Balances::credit_locked( $user_id, Decimal::negate( Decimal::db( $d['amount'] ) ), 'purchase_reversal', $key, $fields, $options );
				if ( is_wp_error( $c ) ) {
					return $c;
				}
				// The note commits with its entry, as a grant's does.
				self::note_in_unit( $order, self::reversal_note( $c, $user_id, $why ), (int) $c['ledger_id'] );
				return $c;
			}
		);
		if ( null === $r ) {
			return;
		}
		$r = Balances::credited( $user_id, 'purchase_reversal', $r );
		if ( is_wp_error( $r ) ) {
			self::failed_note( $order, $r );
		}
	}

	/** @param array $r credit_locked()'s answer for the reversal */
	private static function reversal_note( array $r, int $user_id, string $why ): string {
		$user = get_userdata( $user_id );
		$note = sprintf(
			/* translators: 1: credits, 2: customer name, 3: refund or status, 4: ledger entry id */
			__( 'Took back %1$s AI credits from %2$s (%3$s), ledger #%4$d.', 'aipkit-usage' ),
			Amounts::display( Decimal::negate( $r['amount'] ) ),
			$user ? $user->user_login : '#' . $user_id,
			$why,
			$r['ledger_id']
		);
		if ( ! Decimal::is_zero( $r['uncollected'] ) ) {
			$note .= ' ' . sprintf(
				/* translators: %s: credits */
				__( '%s credits could not be collected (already spent or held by requests in progress); they are recorded as uncollected on the ledger entry.', 'aipkit-usage' ),
				Amounts::display( $r['uncollected'] )
			);
		}
		return $note;
	}

	/**
	 * Adds an order note inside the unit that wrote ledger entry $ledger_id, so both commit together (grant
	 * and note once). The note goes through wpdb, which reports a failure only in last_error; seeing the
	 * entry again (our own uncommitted row, on the unit's connection) proves the transaction survived it
	 * (Transaction::foreign), else a note committed alone is deleted and the unit runs again.
	 */
	private static function note_in_unit( \WC_Order $order, string $note, int $ledger_id ): void {
		global $wpdb;
		Transaction::foreign(
			static fn() => (int) $order->add_order_note( $note ),
			// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
			$wpdb->prepare( 'SELECT id FROM ' . Tables::ledger() . ' WHERE id = %d', $ledger_id ),
			static function ( int $comment_id ): void {
				if ( $comment_id ) {
					wp_delete_comment( $comment_id, true );
				}
			}
		);
	}

	private static function failed_note( \WC_Order $order, WP_Error $e ): void {
		/* translators: %s: error message */
		$order->add_order_note( sprintf( __( 'AI credits could not be changed: %s', 'aipkit-usage' ), $e->get_error_message() ) );
	}

	/** @return array<int,\WC_Order_Item_Product> items that were credit packages when the order was placed */
	public static function package_items( \WC_Order $order ): array {
		$out = [];
		foreach ( $order->get_items( 'line_item' ) as $item_id => $item ) {
			if ( OrderItems::frozen( $item ) ) {
				$out[ (int) $item_id ] = $item;
			}
		}
		return $out;
	}

	/** @return \WC_Order_Item_Product[] items whose product is a package now but was not at purchase */
	public static function unmarked_package_items( \WC_Order $order ): array {
		$out = [];
		foreach ( $order->get_items( 'line_item' ) as $item ) {
			if ( ! OrderItems::frozen( $item ) && CreditPackage::is_package( $item->get_product() ) ) {
				$out[] = $item;
			}
		}
		return $out;
	}

	/** @return array<int,array<string,mixed>> the order's ledger entries, oldest first */
	public static function ledger_rows( int $order_id ): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, created_at, kind, user_id, amount, uncovered, balance_after, order_item_id, note FROM ' . Tables::ledger() . ' WHERE order_id = %d ORDER BY id', $order_id ), ARRAY_A );
		return is_array( $rows ) ? $rows : [];
	}

	public static function granted( int $order_id ): bool {
		foreach ( self::ledger_rows( $order_id ) as $r ) {
			if ( 'purchase' === $r['kind'] ) {
				return true;
			}
		}
		return false;
	}

	public static function granted_item( int $order_id, int $item_id ): bool {
		if ( ! $order_id || ! $item_id ) {
			return false;
		}
		return isset( self::ledger_by_item( $order_id )[ $item_id ] );
	}

	/**
	 * Per granted item: who got it, the purchase entry, what was reversed (taken and uncollected) and what remains.
	 *
	 * @return array<int,array{user_id:int,ledger_id:int,granted:string,reversed:string,uncollected:string,remaining:string,reversals:array}>
	 */
	public static function ledger_by_item( int $order_id ): array {
		$items = [];
		$rows  = self::ledger_rows( $order_id );
		foreach ( $rows as $r ) {
			if ( 'purchase' === $r['kind'] && $r['order_item_id'] ) {
				$items[ (int) $r['order_item_id'] ] = [
					'user_id'     => (int) $r['user_id'],
					'ledger_id'   => (int) $r['id'],
					'granted'     => Decimal::db( $r['amount'] ),
					'reversals'   => [],
					'reversed'    => '0.000000',
					'uncollected' => '0.000000',
					'remaining'   => Decimal::db( $r['amount'] ),
				];
			}
		}
		foreach ( $rows as $r ) {
			$id = (int) $r['order_item_id'];
			if ( 'purchase_reversal' === $r['kind'] && isset( $items[ $id ] ) ) {
				$items[ $id ]['reversals'][] = (int) $r['id'];
				// An uncollected rest still counts as reversed: it is owed, not forgiven, and never taken twice.
				$items[ $id ]['reversed']    = Amounts::sum( [ $items[ $id ]['reversed'], Decimal::negate( Decimal::db( $r['amount'] ) ) ] );
				$items[ $id ]['uncollected'] = Amounts::sum( [ $items[ $id ]['uncollected'], Decimal::db( $r['uncovered'] ) ] );
			}
		}
		foreach ( $items as $id => $g ) {
			$items[ $id ]['remaining'] = Amounts::rest( $g['granted'], Amounts::sum( [ $g['reversed'], $g['uncollected'] ] ) );
		}
		return $items;
	}

	/** A WooCommerce money value (a float there) as the decimal text its display precision gives. */
	private static function money( float $value ): string {
		return number_format( $value, wc_get_price_decimals(), '.', '' );
	}
}
