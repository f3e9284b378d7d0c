<?php
namespace AipkitUsage\Billing\Metering;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Transaction;

/**
 * The end of a hold that charges nothing: released by the module (the request failed before any
 * usage) or expired (the sweep, or the subject's next request). Idempotent: a second release answers
 * the first final result.
 */
final class Releaser {
	public function __construct( private Clock $clock, private HoldStore $holds ) {
	}

	/**
	 * @param int|array $hold   hold id or the authorize result
	 * @param string    $status released | expired
	 * @return array|\WP_Error
	 */
	public function release( $hold, string $status = 'released' ) {
		$hold_id = RequestValidator::hold_id( $hold );
		if ( is_wp_error( $hold_id ) ) {
			return $hold_id;
		}
		$holds = $this->holds;
		$now   = Clock::sql( $this->clock->now() );
		return Transaction::run(
			static function () use ( $hold_id, $hold, $status, $holds, $now ) {
				global $wpdb;
				// The hold and its user's balance row in one statement (hold first: the order of every path).
				$h = $holds->lock_with_balance( $hold_id, $hold );
				if ( is_wp_error( $h ) ) {
					return $h;
				}
				$locked = null !== $h['_balance'];
				unset( $h['_balance'] );
				if ( 'held' !== $h['status'] ) {
					return HoldStore::final_result( $h ) ?? HoldStore::view( $h );
				}
				$uid = (int) $h['user_id'];
				$ids = HoldStore::counters( $h );
				// Releasing nothing is skipped (it would only touch updated_at), as settle does.
				if ( $uid > 0 && ! Decimal::is_zero( $h['hold_balance'] ) ) {
					if ( ! $locked ) {
						Balances::lock( $uid );
					}
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
					Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::balances() . ' SET held = held - %s, updated_at = %s WHERE user_id = %d AND held >= %s', $h['hold_balance'], $now, $uid, $h['hold_balance'] ) );
				}
				if ( $ids && ! Decimal::is_zero( $h['hold_quota'] ) ) {
					Quotas::lock_ids( $ids );
					$in = implode( ',', $ids );
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables, integer ids
					Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::counters() . " SET held = held - %s, updated_at = %s WHERE id IN ($in) AND held >= %s", $h['hold_quota'], $now, $h['hold_quota'] ) );
				}
				$out = [
					'hold_id'          => (int) $h['id'],
					'request_id'       => $h['request_id'],
					'status'           => $status,
					'credits'          => '0.000000',
					'released_balance' => Decimal::db( $h['hold_balance'] ),
					'released_quota'   => Decimal::db( $h['hold_quota'] ),
					'ledger_id'        => null,
				];
				// An expired hold keeps no final result: a late settle must still charge the real usage.
				$result = 'expired' === $status ? (string) $h['result'] : HoldStore::with_final( $h, $out );
				// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
				Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::holds() . ' SET status = %s, result = %s WHERE id = %d', $status, $result, $h['id'] ) );
				return $out;
			}
		);
	}

	/** Releases expired holds (cron, every 5 minutes), in bounded batches. @return int released */
	public function sweep( int $limit = 500 ): int {
		$n = 0;
		foreach ( $this->holds->expired( $limit ) as $id ) {
			$r = $this->release( $id, 'expired' );
			if ( ! is_wp_error( $r ) && 'expired' === ( $r['status'] ?? '' ) ) {
				++$n;
			}
		}
		return $n;
	}

	/** Releases the given holds as expired (a subject's own, on its next request). */
	public function expire( array $ids ): void {
		foreach ( $ids as $id ) {
			$this->release( (int) $id, 'expired' );
		}
	}
}
