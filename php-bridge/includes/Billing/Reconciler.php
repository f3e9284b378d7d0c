<?php
namespace AipkitUsage\Billing;

/**
 * Proves the ledger invariant: every balance equals the sum of its ledger amounts, and every
 * balance's held part equals its open holds. Sums are SQL aggregates; the comparison is the core's.
 */
final class Reconciler {
	/** @return array|\WP_Error {ok, mismatches:[…], held_mismatches:[…], negative_counters:int, checked:int} */
	public static function run() {
		global $wpdb;
		$b        = Tables::balances();
		$l        = Tables::ledger();
		$balances = $wpdb->get_results( "SELECT user_id, balance FROM $b", ARRAY_A ) ?: [];
		$sums     = $wpdb->get_results( "SELECT user_id, SUM(amount) AS amount FROM $l WHERE user_id > 0 GROUP BY user_id", ARRAY_A ) ?: [];
		$r        = Core::reconcile(
			array_map( static fn( $x ) => [ 'user_id' => (int) $x['user_id'], 'balance' => Decimal::db( $x['balance'] ) ], $balances ),
			array_map( static fn( $x ) => [ 'user_id' => (int) $x['user_id'], 'amount' => Decimal::db( $x['amount'] ) ], $sums )
		);
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		$h    = Tables::holds();
		$held = $wpdb->get_results(
			"SELECT b.user_id, b.held, COALESCE(SUM(h.hold_balance), 0) AS open_holds
			 FROM $b b LEFT JOIN $h h ON h.user_id = b.user_id AND h.status = 'held'
			 GROUP BY b.user_id, b.held HAVING b.held <> open_holds",
			ARRAY_A
		) ?: [];
		$neg = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::counters() . ' WHERE used < 0 OR held < 0' );
		$neg += (int) $wpdb->get_var( "SELECT COUNT(*) FROM $b WHERE balance < 0 OR held < 0 OR held > balance" );
		return [
			'ok'                => $r['ok'] && ! $held && 0 === $neg,
			'mismatches'        => $r['mismatches'],
			'held_mismatches'   => array_map(
				static fn( $x ) => [ 'user_id' => (int) $x['user_id'], 'held' => Decimal::db( $x['held'] ), 'open_holds' => Decimal::db( $x['open_holds'] ) ],
				$held
			),
			'negative_counters' => $neg,
			'checked'           => count( $balances ),
		];
	}
}
