<?php
/**
 * Dashboard benchmark (bench/dashboard/run): renders the customer dashboard for one customer with
 * many ledger rows and 20 quota scopes, as the shortcode does in a page request, and prints the
 * server time per render (median, p95) and the queries per render. Asserts nothing about speed.
 */

use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Dashboard\Data;
use AipkitUsage\Dashboard\Shortcode;

global $wpdb;
$wpdb->suppress_errors( false );
$prefix         = $wpdb->prefix . 'aipkit_bench_dash_';
Tables::$prefix = $prefix;
$rows_total     = (int) ( getenv( 'AIPKIT_BENCH_DASHBOARD_ROWS' ) ?: 10000 );
$renders        = (int) ( getenv( 'AIPKIT_BENCH_DASHBOARD_RENDERS' ) ?: 300 );
$tables         = [ 'pricing_rules', 'quota_rules', 'balances', 'ledger', 'holds', 'quota_counters' ];

function bench_dash_user(): int {
	global $wpdb;
	return (int) $wpdb->get_var( "SELECT ID FROM {$wpdb->users} WHERE user_login = 'bench_dashboard_user'" );
}

register_shutdown_function(
	static function () use ( $prefix, $tables ) {
		global $wpdb;
		if ( '1' === getenv( 'AIPKIT_BENCH_KEEP' ) ) {
			fwrite( STDERR, "AIPKIT_BENCH_KEEP=1: bench_dashboard_user and {$prefix}* tables kept\n" );
			return;
		}
		$id = bench_dash_user();
		if ( $id ) {
			$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE user_id = %d", $id ) );
			$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->users} WHERE ID = %d", $id ) );
			clean_user_cache( $id );
		}
		foreach ( $tables as $t ) {
			$wpdb->query( "DROP TABLE IF EXISTS {$prefix}{$t}" );
		}
		printf( "cleanup: bench_dashboard_user and the %s* tables removed\n", $prefix );
	}
);

foreach ( $tables as $t ) {
	$wpdb->query( "DROP TABLE IF EXISTS {$prefix}{$t}" );
	$wpdb->query( "CREATE TABLE {$prefix}{$t} LIKE {$wpdb->prefix}aipkit_{$t}" );
}

$uid = bench_dash_user();
if ( ! $uid ) {
	$wpdb->insert( $wpdb->users, [ 'user_login' => 'bench_dashboard_user', 'user_pass' => '*', 'user_nicename' => 'bench-dashboard-user', 'user_email' => 'bench_dashboard_user@example.test', 'user_registered' => gmdate( 'Y-m-d H:i:s' ), 'display_name' => 'Bench dashboard user (removed after the run)' ] );
	$uid = (int) $wpdb->insert_id;
	update_user_meta( $uid, $wpdb->prefix . 'capabilities', [ 'subscriber' => true ] );
}

// The ledger: a purchase every 50th row, usage across the three modules and their bots.
$bots    = [ '', 'b1', 'b2', 'b3', 'b4', 'b5' ];
$modules = [ 'chatbot', 'ai_forms', 'image_generator' ];
$t0      = hrtime( true );
for ( $start = 0; $start < $rows_total; $start += 1000 ) {
	$values = [];
	for ( $i = $start; $i < min( $rows_total, $start + 1000 ); $i++ ) {
		$at = gmdate( 'Y-m-d H:i:s', time() - ( $rows_total - $i ) * 60 );
		if ( 0 === $i % 50 ) {
			$values[] = $wpdb->prepare( "(%s, 'purchase', %d, %s, '10.000000', '0.000000', '', '', %d, %s)", $at, $uid, "user:$uid", 5000 + $i, "purchase:bench-dash:$i" );
		} else {
			$values[] = $wpdb->prepare( "(%s, 'usage', %d, %s, '-0.500000', '0.500000', %s, %s, NULL, %s)", $at, $uid, "user:$uid", $modules[ $i % 3 ], $bots[ $i % 6 ], "usage:bench-dash-$i" );
		}
	}
	$wpdb->query( "INSERT INTO {$prefix}ledger (created_at, kind, user_id, subject, amount, quota_amount, module, bot_id, order_id, idempotency_key) VALUES " . implode( ',', $values ) );
}
$wpdb->query( $wpdb->prepare( "INSERT INTO {$prefix}balances (user_id, balance, held, updated_at) VALUES (%d, '100.000000', '1.000000', UTC_TIMESTAMP())", $uid ) );

// 20 scopes: a rule per module and bots with their own rules, each with a counter.
$n = 0;
foreach ( [ 'chatbot' => 9, 'ai_forms' => 5, 'image_generator' => 3 ] as $module => $count ) {
	QuotaRules::save( [ 'module' => $module, 'user_limit' => '100', 'period' => [ 'daily', 'weekly', 'monthly' ][ $n++ % 3 ] ] );
	for ( $b = 1; $b <= $count; $b++ ) {
		QuotaRules::save( [ 'module' => $module, 'bot_id' => "b$b", 'user_limit' => (string) ( 10 * $b ), 'period' => [ 'daily', 'weekly', 'monthly', 'never' ][ $b % 4 ] ] );
	}
}
$bench_scopes = Data::quotas( $uid, $modules );
\AipkitUsage\Billing\Transaction::run(
	static function () use ( $bench_scopes, $uid ) {
		foreach ( $bench_scopes as $q ) {
			Quotas::lock( [ "user:$uid" ], $q['scope'], $q['period_key'] );
		}
		return true;
	}
);
$wpdb->query( $wpdb->prepare( "UPDATE {$prefix}quota_counters SET used = '3.500000' WHERE subject = %s", "user:$uid" ) );
printf( "setup: %d ledger rows, %d quota scopes for user #%d in %.1f s (tables %s*)\n", $rows_total, count( QuotaRules::all() ), $uid, ( hrtime( true ) - $t0 ) / 1e9, $prefix );

wp_set_current_user( $uid );
$ms      = [];
$queries = [];
for ( $i = 0; $i < $renders + 20; $i++ ) {
	// Each render as in a fresh request: the per-request caches (quota rules, credit product) start empty.
	wp_cache_delete( 'credit_product', 'aipkit_usage_dashboard' );
	$before = $wpdb->num_queries;
	$t      = hrtime( true );
	$html   = Shortcode::render( [] );
	$d      = ( hrtime( true ) - $t ) / 1e6;
	if ( $i >= 20 ) { // the first renders warm PHP's opcache and the server's buffer pool
		$ms[]      = $d;
		$queries[] = $wpdb->num_queries - $before;
	}
}
sort( $ms );
$pct = static fn( float $p ) => $ms[ (int) min( count( $ms ) - 1, floor( $p * count( $ms ) ) ) ];
printf(
	"dashboard render, %d ledger rows + 20 scopes: min %.2f ms, median %.2f ms, p95 %.2f ms, max %.2f ms over %d renders; %d queries per render; %d KB of HTML\n",
	$rows_total,
	$ms[0],
	$pct( 0.5 ),
	$pct( 0.95 ),
	end( $ms ),
	count( $ms ),
	max( $queries ),
	(int) ( strlen( $html ) / 1024 )
);
$load = function_exists( 'sys_getloadavg' ) ? sys_getloadavg() : [ 0 ];
printf( "target: <= 30 ms beyond WordPress's own page (the render is the whole of what the dashboard adds); load average during the run: %.1f\n", $load[0] );
