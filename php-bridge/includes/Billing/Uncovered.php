<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * A user's uncovered total: usage that was delivered but that neither the balance nor the quota
 * paid for (settle adds to it). Admission refuses a user above the `uncovered_limit` setting until
 * the owner clears it; clearing forgives the amount and leaves a zero-amount ledger entry saying so.
 */
final class Uncovered {
	/**
	 * @param mixed $expected the uncovered total the owner saw (a changed total refuses with 409)
	 * @return array|WP_Error {uncovered, cleared, ledger_id}
	 */
	public static function clear( int $user_id, $expected, string $reason = '', int $actor = 0 ) {
		$expected = Decimal::parse( 'expected_uncovered', $expected );
		if ( is_wp_error( $expected ) ) {
			return $expected;
		}
		$reason = sanitize_textarea_field( $reason );
		$actor  = $actor ? $actor : get_current_user_id();
		$now    = Clock::current()->now();
		$result = Transaction::run(
			static function () use ( $user_id, $expected, $reason, $actor, $now ) {
				global $wpdb;
				$row = Balances::lock( $user_id );
				if ( $row['uncovered'] !== $expected ) {
					return new WP_Error(
						'aipkit_stale_uncovered',
						sprintf(
							/* translators: 1: uncovered credits the admin saw, 2: current uncovered credits */
							__( 'The uncovered usage changed while you were looking at it (you saw %1$s, it is now %2$s). Nothing was cleared: review it and try again.', 'aipkit-usage' ),
							$expected,
							$row['uncovered']
						),
						[
							'status'            => 409,
							'field'             => 'expected_uncovered',
							'current_uncovered' => $row['uncovered'],
						]
					);
				}
				if ( Decimal::is_zero( $row['uncovered'] ) ) {
					return [
						'uncovered' => '0.000000',
						'cleared'   => '0.000000',
						'ledger_id' => null,
					];
				}
				Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::balances() . ' SET uncovered = 0, updated_at = %s WHERE user_id = %d', Clock::sql( $now ), $user_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
				$key = Ledger::key( 'admin_adjustment', [ $user_id, 'uncovered-' . wp_generate_uuid4() ] );
				if ( is_wp_error( $key ) ) {
					return $key;
				}
				// No credit moves: the entry records who forgave how much (a negative uncovered part).
				$id = Ledger::append(
					[
						'kind'            => 'admin_adjustment',
						'user_id'         => $user_id,
						'subject'         => 'user:' . $user_id,
						'amount'          => '0.000000',
						'uncovered'       => Decimal::negate( $row['uncovered'] ),
						'balance_after'   => $row['balance'],
						'actor_id'        => $actor,
						'note'            => '' !== $reason ? $reason : sprintf( 'Cleared %s uncovered credits.', $row['uncovered'] ),
						'idempotency_key' => $key,
					]
				);
				if ( is_wp_error( $id ) ) {
					return $id;
				}
				return [
					'uncovered' => '0.000000',
					'cleared'   => $row['uncovered'],
					'ledger_id' => $id,
				];
			}
		);
		if ( ! is_wp_error( $result ) && null !== $result['ledger_id'] ) {
			do_action( 'aipkit_usage_uncovered_cleared', $user_id, $result['cleared'], $actor, $result['ledger_id'] );
		}
		return $result;
	}
}
