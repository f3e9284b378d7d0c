<?php
/**
 * Galera topology check (bench/galera/run). Modes (WordPress loaded on the node named by AIPKIT_GALERA_SOCK):
 *   setup CREDITS GO_FILE PREFIX                  → money tables emptied, one user funded, then GO_FILE written
 *   worker INDEX PROCS TOTAL RUNS DIR             → for each run: waits for DIR/go-RUN, writes DIR/run-RUN/worker-INDEX.json
 *   check RUN RESULTS_DIR SOCK1 SOCK2 SOCK3        → one line of figures; exit 1 when the run is not right
 */
require dirname( __DIR__ ) . '/faults/lib.php';

use AipkitUsage\Billing\Tables;

$mode = $argv[1] ?? '';
if ( 'setup' === $mode ) {
	aipkit_faults_reset();
	$users = aipkit_faults_users( 1, (string) $argv[2] );
	// Written last and atomically: the workers start when the file appears.
	file_put_contents( $argv[3] . '.tmp', wp_json_encode( [ 'users' => $users, 'prefix' => $argv[4] ] ) );
	rename( $argv[3] . '.tmp', $argv[3] );
	return;
}
if ( 'worker' === $mode ) {
	// One process for all runs (WordPress boots once): for each run, wait for its go file
	// ({users, prefix}), do this process's share, leave the result next to it.
	[ , , $index, $procs, $total, $runs, $dir ] = $argv;
	for ( $run = 1; $run <= (int) $runs; $run++ ) {
		$go       = "$dir/go-$run";
		$deadline = microtime( true ) + 180;
		while ( ! is_file( $go ) ) {
			if ( microtime( true ) > $deadline ) {
				fwrite( STDERR, "worker $index: no go for run $run\n" );
				exit( 3 );
			}
			usleep( 2000 );
		}
		$job = json_decode( (string) file_get_contents( $go ), true );
		wp_cache_flush(); // the rows of the previous run are gone
		// This node must have applied the setup (done through node 1) before the first request reads.
		global $wpdb;
		$wpdb->query( 'SET SESSION wsrep_sync_wait = 15' );
		$wpdb->get_var( 'SELECT COUNT(*) FROM ' . AipkitUsage\Billing\Tables::balances() );
		$wpdb->query( 'SET SESSION wsrep_sync_wait = 0' );
		// A short think time between authorize and settle, as a provider call would take, widens the
		// window in which the nodes' transactions on the same balance row conflict.
		$r = aipkit_faults_worker( $job['users'], (int) $index, (int) $procs, (int) $total, $job['prefix'], 30, 2000 );
		file_put_contents( "$dir/run-$run/worker-$index.json.tmp", wp_json_encode( $r ) );
		rename( "$dir/run-$run/worker-$index.json.tmp", "$dir/run-$run/worker-$index.json" );
	}
	return;
}
if ( 'check' !== $mode ) {
	fwrite( STDERR, "usage: galera.php setup|worker|check …\n" );
	exit( 2 );
}

[ , , $run, $dir, $s1, $s2, $s3 ] = $argv;
$w      = aipkit_faults_collect( $dir );
$sum    = $w['sum'];
$errors = $w['errors'];
$dead   = $w['dead'];

// Every node, after it has applied everything the cluster committed (wsrep_sync_wait), must hold the
// very same money rows.
$prints = [];
$tables = [
	Tables::balances() => 'user_id, balance, held',
	Tables::ledger()   => 'id, kind, user_id, amount, balance_after, idempotency_key',
	Tables::holds()    => 'id, request_id, status, hold_balance, hold_quota',
	Tables::counters() => 'id, subject, scope, period_key, used, held',
];
foreach ( [ $s1, $s2, $s3 ] as $n => $sock ) {
	$db = new mysqli( 'localhost', DB_USER, DB_PASSWORD, DB_NAME, 0, $sock );
	$db->query( 'SET SESSION wsrep_sync_wait = 15, SESSION group_concat_max_len = 67108864' );
	$p = [];
	foreach ( $tables as $t => $cols ) {
		$row     = $db->query( "SELECT COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', $cols) ORDER BY 1 SEPARATOR '\n')) FROM $t" )->fetch_row();
		$p[ $t ] = $row[0] . ':' . $row[1];
	}
	$prints[ $n + 1 ] = $p;
	$db->close();
}
$identical = $prints[1] === $prints[2] && $prints[2] === $prints[3];
// A worker that left no result died.
$dead += max( 0, (int) ( getenv( 'AIPKIT_GALERA_PROCS' ) ?: 0 ) - count( glob( "$dir/worker-*.json" ) ) );

global $wpdb;
$wpdb->query( 'SET SESSION wsrep_sync_wait = 15' );
$c       = aipkit_faults_check( $w['answers'], $w['not_admitted'] );
$uid     = (int) $wpdb->get_var( 'SELECT user_id FROM ' . Tables::balances() . ' LIMIT 1' );
$bal     = aipkit_usage_balance( $uid );
$ledger  = (string) $wpdb->get_var( $wpdb->prepare( 'SELECT COALESCE(SUM(amount), 0) FROM ' . Tables::ledger() . ' WHERE user_id = %d', $uid ) );
$usage_n = (int) $wpdb->get_var( "SELECT COUNT(*) FROM " . Tables::ledger() . " WHERE kind = 'usage'" ); // phpcs:ignore
$ok      = 50 === $sum['settled'] && 50 === $usage_n && $c['reconcile_ok'] && $identical && 0 === $c['open_holds']
	&& 0 === $c['settled_without_ledger'] && 0 === $c['ledger_without_debit'] && 0 === $c['refused_but_held'] && 0 === $dead && '0.000000' === $bal['balance'];
printf(
	"run %2d: settled %d / refused %d / errors %d%s / usage entries %d / ledger sum %s vs balance %s (held %s) / holds left %d / answers untrue %d / nodes identical %s / reconcile %s%s\n",
	$run,
	$sum['settled'],
	$sum['refused'],
	array_sum( $errors ),
	$errors ? ' ' . wp_json_encode( $errors ) : '',
	$usage_n,
	$ledger,
	$bal['balance'],
	$bal['held'],
	$c['open_holds'],
	$c['settled_without_ledger'] + $c['ledger_without_debit'] + $c['refused_but_held'],
	$identical ? 'yes' : 'NO',
	$c['reconcile_ok'] ? 'clean' : 'MISMATCH',
	$ok ? '  ok' : '  FAILED'
);
if ( ! $identical ) {
	fwrite( STDERR, wp_json_encode( $prints, JSON_PRETTY_PRINT ) . "\n" );
}
exit( $ok ? 0 : 1 );
