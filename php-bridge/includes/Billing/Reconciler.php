<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use AipkitUsage\Settings;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table names are the plugin's own (Tables::*); every value goes through $wpdb->prepare().

/**
 * Proves the ledger invariant: every balance equals the sum of its ledger amounts, and every
 * balance's held part equals its open holds. Sums are SQL aggregates; the comparison is the core's.
 */
final class Reconciler {
	/** Balances compared per batch, so memory stays flat however many users a site has. */
	private const BATCH = 2000;

	/** @return array|\WP_Error {ok, mismatches:[…], held_mismatches:[…], negative_counters:int, checked:int} */
	public static function run( int $batch = self::BATCH ) {
		try {
			return self::check( $batch );
		} catch ( DbException $e ) {
			// A failed query is never read as "no rows": that would report a broken ledger as clean.
			return new \WP_Error(
				'aipkit_db_error',
				__( 'Reconcile could not read the billing tables; nothing was checked. Try again in a moment.', 'aipkit-usage' ),
				[
					'status' => 503,
					'detail' => $e->getMessage(),
				]
			);
		}
	}

	/** Runs a read and throws DbException when it failed. */
	private static function read( string $sql, string $how = 'results' ) {
		global $wpdb;
		$r = 'var' === $how ? $wpdb->get_var( $sql ) : $wpdb->get_results( $sql, ARRAY_A );
		if ( '' !== (string) $wpdb->last_error ) {
			throw new DbException( esc_html( (string) $wpdb->last_error ) );
		}
		return 'var' === $how ? $r : (array) $r;
	}

	private static function check( int $batch ): array|\WP_Error {
		global $wpdb;
		$batch      = max( 1, $batch );
		$b          = Tables::balances();
		$l          = Tables::ledger();
		$mismatches = [];
		$checked    = 0;
		$lo         = 1;
		do {
			$balances = self::read( $wpdb->prepare( "SELECT user_id, balance FROM $b WHERE user_id >= %d ORDER BY user_id LIMIT %d", $lo, $batch ) );
			$full     = count( $balances ) === $batch;
			// The batch covers every user id from $lo up to its last balance row (or every id above $lo
			// for the last batch), so ledger entries of users without a balance row are compared too.
			$hi   = $full ? (int) end( $balances )['user_id'] : PHP_INT_MAX;
			$sums = self::read( $wpdb->prepare( "SELECT user_id, SUM(amount) AS amount FROM $l WHERE user_id BETWEEN %d AND %d GROUP BY user_id", $lo, $hi ) );
			$r    = Gateway::instance()->reconcile(
				[
					'balances' => array_map(
						static fn( $x ) => [
							'user_id' => (int) $x['user_id'],
							'balance' => Decimal::db( $x['balance'] ),
						],
						$balances
					),
					'entries'  => array_map(
						static fn( $x ) => [
							'user_id' => (int) $x['user_id'],
							'amount'  => Decimal::db( $x['amount'] ),
						],
						$sums
					),
				]
			);
			if ( is_wp_error( $r ) ) {
				return $r;
			}
			array_push( $mismatches, ...$r['mismatches'] );
			$checked += count( $balances );
			$lo       = $hi + 1;
		} while ( $full );
		$h    = Tables::holds();
		$held = self::read(
			"SELECT b.user_id, b.held, COALESCE(SUM(h.hold_balance), 0) AS open_holds
			 FROM $b b LEFT JOIN $h h ON h.user_id = b.user_id AND h.status = 'held'
			 GROUP BY b.user_id, b.held HAVING b.held <> open_holds"
		);
		$neg  = (int) self::read( 'SELECT COUNT(*) FROM ' . Tables::counters() . ' WHERE used < 0 OR held < 0', 'var' );
		// A balance below zero (or below its held part) is a fault, unless the owner lets refunds take
		// back credits that were already spent ("Allow negative balance after refunds").
		$neg += (int) self::read(
			Settings::woocommerce_allow_negative_balance()
				? "SELECT COUNT(*) FROM $b WHERE held < 0 OR uncovered < 0"
				: "SELECT COUNT(*) FROM $b WHERE balance < 0 OR held < 0 OR held > balance OR uncovered < 0",
			'var'
		);
		return [
			'ok'                => ! $mismatches && ! $held && 0 === $neg,
			'mismatches'        => $mismatches,
			'held_mismatches'   => array_map(
				static fn( $x ) => [
					'user_id'    => (int) $x['user_id'],
					'held'       => Decimal::db( $x['held'] ),
					'open_holds' => Decimal::db( $x['open_holds'] ),
				],
				$held
			),
			'negative_counters' => $neg,
			'checked'           => $checked,
		];
	}
}
