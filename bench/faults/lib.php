<?php
/**
 * Shared by bench/faults (kill/restart soak) and bench/galera (multi-primary cluster): a metering
 * worker that behaves like a careful AI module, and the checks that prove money stayed whole.
 * Loaded with WordPress and the plugin active. Prints nothing itself.
 */

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Billing\Reconciler;
use AipkitUsage\Billing\Tables;

/**
 * Empties the money tables and makes sure of one flat rule (1 credit per request, module "fault") and
 * a quota of 0 (every credit from the balance). Rules are kept between runs: on a cluster, a worker on
 * another node must never meet a moment without them.
 */
function aipkit_faults_reset(): void {
	global $wpdb;
	foreach ( [ Tables::balances(), Tables::ledger(), Tables::holds(), Tables::counters(), Tables::ledger_rollup() ] as $t ) {
		$wpdb->query( "DELETE FROM $t" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- plugin table name.
	}
	wp_cache_flush();
	if ( ! $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::pricing_rules() . " WHERE provider = 'fault' AND enabled = 1" ) ) { // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$r = PricingRules::create(
			[
				'usage_type' => 'chat',
				'provider'   => 'fault',
				'model'      => 'fault-model',
				'method'     => 'flat',
				'unit_rate'  => '1',
			],
			1
		);
		if ( is_wp_error( $r ) ) {
			fwrite( STDERR, 'rule: ' . $r->get_error_message() . "\n" );
			exit( 1 );
		}
	}
	$q = QuotaRules::save(
		[
			'module'     => 'fault',
			'period'     => 'never',
			'user_limit' => '0',
		]
	);
	if ( is_wp_error( $q ) ) {
		fwrite( STDERR, 'quota: ' . $q->get_error_message() . "\n" );
		exit( 1 );
	}
	wp_cache_flush();
}

/** @return int[] ids of $n users named fault_user_N, each funded with $credits through a purchase entry */
function aipkit_faults_users( int $n, string $credits ): array {
	$ids = [];
	for ( $i = 1; $i <= $n; $i++ ) {
		$login = 'fault_user_' . $i;
		$u     = get_user_by( 'login', $login );
		$id    = $u ? $u->ID : wp_insert_user(
			[
				'user_login' => $login,
				'user_pass'  => wp_generate_password(),
				'user_email' => $login . '@example.test',
				'role'       => 'subscriber',
			]
		);
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, 'user: ' . $id->get_error_message() . "\n" );
			exit( 1 );
		}
		$c = Balances::credit( (int) $id, $credits, 'purchase', 'purchase:faults:' . $id . ':' . wp_generate_uuid4() );
		if ( is_wp_error( $c ) ) {
			fwrite( STDERR, 'credit: ' . $c->get_error_message() . "\n" );
			exit( 1 );
		}
		$ids[] = (int) $id;
	}
	return $ids;
}

/**
 * Runs requests $index, $index + $procs, … < $total: authorize (retried with the same request id on
 * 503 aipkit_busy), then settle, retrying a failed settle as a module keeping its hold would. Answers are kept so the checks can hold them to the database.
 */
function aipkit_faults_worker( array $users, int $index, int $procs, int $total, string $prefix, int $settle_tries = 20, int $pause_us = 0 ): array {
	// A metering call happens inside a page or REST request. Without this, wpdb would wp_die() (exit)
	// when a reconnect outside a money transaction fails while the server is down.
	$GLOBALS['wp_actions']['template_redirect'] = 1;
	$out = [
		'requests'  => 0,
		'admitted'  => 0,
		'refused'   => 0,
		'settled'   => 0,
		'errors'    => [],
		'unsettled' => 0,
		'answers'   => [],
		// Requests answered with a refusal or an error: the checks prove no hold or charge exists for them.
		'not_admitted' => [],
	];
	$err = static function ( WP_Error $e ) use ( &$out ) {
		$k                   = $e->get_error_code();
		$out['errors'][ $k ] = ( $out['errors'][ $k ] ?? 0 ) + 1;
	};
	for ( $i = $index; $i < $total; $i += $procs ) {
		++$out['requests'];
		$rid  = $prefix . '-' . $i;
		$req = [
			'module'     => 'fault',
			'usage_type' => 'chat',
			'provider'   => 'fault',
			'model'      => 'fault-model',
			'user_id'    => $users[ $i % count( $users ) ],
			'estimate'   => [ 'input_tokens' => 10 ],
			'request_id' => $rid,
		];
		// 503 aipkit_busy means "try again": the same request id returns the hold if the first try
		// did commit (its answer was lost with the connection), or places it now.
		for ( $t = 1; ; $t++ ) {
			$hold = aipkit_usage_authorize( $req );
			if ( ! is_wp_error( $hold ) || 'aipkit_busy' !== $hold->get_error_code() || $t >= $settle_tries ) {
				break;
			}
			$err( $hold );
			usleep( 100000 * min( $t, 10 ) );
		}
		if ( is_wp_error( $hold ) ) {
			$out['not_admitted'][] = [ $rid, $hold->get_error_code() ];
			if ( 'aipkit_quota_exceeded' === $hold->get_error_code() ) {
				++$out['refused'];
			} else {
				$err( $hold );
			}
			continue;
		}
		++$out['admitted'];
		if ( $pause_us ) {
			usleep( $pause_us );
		}
		$s = null;
		for ( $t = 1; $t <= $settle_tries; $t++ ) {
			$s = aipkit_usage_settle( $hold, [ 'input_tokens' => 10 ] );
			if ( ! is_wp_error( $s ) ) {
				break;
			}
			$err( $s );
			usleep( 100000 * min( $t, 10 ) );
		}
		if ( is_wp_error( $s ) ) {
			++$out['unsettled'];
			continue;
		}
		if ( 'settled' === $s['status'] ) {
			++$out['settled'];
		}
		$out['answers'][] = [ $rid, $s['status'], $s['ledger_id'], $s['balance_debit'] ];
	}
	return $out;
}

/**
 * Adds up the workers' result files (DIR/worker-*.json, what aipkit_faults_worker() returned): the
 * counts, the errors by code, every answer and request that was not admitted. A file that is not a
 * result (a worker that died mid-write) counts in 'dead'.
 *
 * @return array{sum:array<string,int>, errors:array<string,int>, answers:array, not_admitted:array, dead:int}
 */
function aipkit_faults_collect( string $dir ): array {
	$out = [
		'sum'          => [
			'requests'  => 0,
			'admitted'  => 0,
			'refused'   => 0,
			'settled'   => 0,
			'unsettled' => 0,
		],
		'errors'       => [],
		'answers'      => [],
		'not_admitted' => [],
		'dead'         => 0,
	];
	foreach ( glob( "$dir/worker-*.json" ) as $f ) {
		$r = json_decode( trim( (string) file_get_contents( $f ) ), true );
		if ( ! is_array( $r ) ) {
			++$out['dead'];
			continue;
		}
		foreach ( $out['sum'] as $k => $v ) {
			$out['sum'][ $k ] += $r[ $k ];
		}
		foreach ( $r['errors'] as $code => $n ) {
			$out['errors'][ $code ] = ( $out['errors'][ $code ] ?? 0 ) + $n;
		}
		array_push( $out['answers'], ...$r['answers'] );
		array_push( $out['not_admitted'], ...( $r['not_admitted'] ?? [] ) );
	}
	ksort( $out['errors'] );
	return $out;
}

/**
 * Holds the answers and the tables to each other.
 *
 * @return array{settled_without_ledger:int, ledger_without_debit:int, refused_but_held:int, open_holds:int, reconcile_ok:bool, reconcile:array}
 */
function aipkit_faults_check( array $answers, array $not_admitted = [] ): array {
	global $wpdb;
	$l                = Tables::ledger();
	$h                = Tables::holds();
	$settled_no_entry = 0;
	foreach ( $answers as [ $rid, $status, $ledger_id, $debit ] ) {
		if ( 'settled' !== $status ) {
			continue;
		}
		$row = $ledger_id ? $wpdb->get_row( $wpdb->prepare( "SELECT idempotency_key, amount FROM $l WHERE id = %d", $ledger_id ), ARRAY_A ) : null; // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		// The answer's ledger id must be this request's own usage entry, for the debit answered.
		if ( ! $row || \AipkitUsage\Billing\Ledger::key( 'usage', [ $rid ] ) !== $row['idempotency_key'] || '-' . ltrim( $debit, '-' ) !== $row['amount'] ) {
			++$settled_no_entry;
		}
	}
	// Holds marked settled without their usage entry, and usage entries whose hold was never settled.
	$settled_no_entry += (int) $wpdb->get_var( "SELECT COUNT(*) FROM $h h LEFT JOIN $l l ON l.kind = 'usage' AND l.idempotency_key = CONCAT('usage:', h.request_id) WHERE h.status = 'settled' AND l.id IS NULL" ); // phpcs:ignore
	$ledger_no_debit   = (int) $wpdb->get_var( "SELECT COUNT(*) FROM $l l LEFT JOIN $h h ON l.idempotency_key = CONCAT('usage:', h.request_id) WHERE l.kind = 'usage' AND (h.id IS NULL OR h.status <> 'settled')" ); // phpcs:ignore
	// A request answered "refused" (or an error) must not have a hold or a charge.
	$refused_but_held = 0;
	foreach ( $not_admitted as [ $rid ] ) {
		$refused_but_held += (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM $h WHERE request_id = %s", $rid ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}
	$r                 = Reconciler::run();
	return [
		'settled_without_ledger' => $settled_no_entry,
		'ledger_without_debit'   => $ledger_no_debit,
		'refused_but_held'       => $refused_but_held,
		'open_holds'             => (int) $wpdb->get_var( "SELECT COUNT(*) FROM $h WHERE status = 'held'" ), // phpcs:ignore
		'reconcile_ok'           => ! is_wp_error( $r ) && $r['ok'],
		'reconcile'              => is_wp_error( $r ) ? [ 'error' => $r->get_error_message() ] : $r,
	];
}
