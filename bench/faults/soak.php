<?php
/**
 * Kill/restart soak (bench/faults/run). Modes:
 *   setup USERS CREDITS                      → JSON list of funded user ids
 *   worker INDEX PROCS TOTAL PREFIX USERS_JSON → JSON worker result (see lib.php)
 *   report RESULTS_DIR FAULTS                 → prints the figures; exit 1 when money was not whole
 */
require __DIR__ . '/lib.php';

$mode = $argv[1] ?? '';
if ( 'setup' === $mode ) {
	aipkit_faults_reset();
	echo wp_json_encode( aipkit_faults_users( (int) $argv[2], (string) $argv[3] ) ), "\n";
	return;
}
if ( 'worker' === $mode ) {
	$users = json_decode( $argv[6], true );
	if ( getenv( 'AIPKIT_SOAK_READY' ) ) {
		touch( getenv( 'AIPKIT_SOAK_READY' ) );
	}
	echo wp_json_encode( aipkit_faults_worker( $users, (int) $argv[2], (int) $argv[3], (int) $argv[4], (string) $argv[5], 30, (int) ( getenv( 'AIPKIT_SOAK_PAUSE_US' ) ?: 0 ) ) ), "\n";
	return;
}
if ( 'report' === $mode ) {
	$dir     = $argv[2];
	$faults  = (int) $argv[3];
	$w      = aipkit_faults_collect( $dir );
	$sum    = $w['sum'];
	$errors = $w['errors'];
	$bad    = $w['dead'];
	$c      = aipkit_faults_check( $w['answers'], $w['not_admitted'] );
	printf( "requests %d (admitted %d, refused %d, settled %d, hold left unsettled %d)\n", $sum['requests'], $sum['admitted'], $sum['refused'], $sum['settled'], $sum['unsettled'] );
	printf( "faults: MariaDB killed (SIGKILL) and restarted %d times; workers that died: %d\n", $faults, $bad );
	printf( "errors returned: %d %s\n", array_sum( $errors ), $errors ? wp_json_encode( $errors ) : '' );
	printf( "settled without its ledger entry: %d\n", $c['settled_without_ledger'] );
	printf( "ledger entries without their debit: %d\n", $c['ledger_without_debit'] );
	printf( "refused or failed answers that still left a hold: %d\n", $c['refused_but_held'] );
	printf( "holds still open: %d\n", $c['open_holds'] );
	printf( "reconcile: %s\n", $c['reconcile_ok'] ? 'clean' : 'MISMATCH ' . wp_json_encode( $c['reconcile'] ) );
	exit( ( $c['reconcile_ok'] && 0 === $c['settled_without_ledger'] && 0 === $c['ledger_without_debit'] && 0 === $c['refused_but_held'] && 0 === $bad ) ? 0 : 1 );
}
fwrite( STDERR, "usage: soak.php setup|worker|report …\n" );
exit( 2 );
