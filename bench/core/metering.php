<?php
/**
 * Metering latency per core backend (issue 13, Measure): authorize + settle in-process against the
 * real MariaDB, p50/p99 in ms. Run with WordPress loaded and the PHP flags under test, by bench/core/run:
 *   AIPKIT_WP_DIR=… php -d ffi.enable=0|1 -d opcache.enable_cli=1 -d opcache.jit=off|tracing \
 *     bin/php/run-with-wp.php bench/core/metering.php
 * AIPKIT_METERING_N requests (default 1,000) over 100 funded users, on copies of the billing tables
 * ({prefix}aipkit_bench_metering_*) and users bench_metering_N, all removed at exit. Prints figures;
 * asserts nothing about speed (exits 1 only if a request fails).
 */

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\Tables;

global $wpdb;
$wpdb->suppress_errors( false );
$aipkit_m_prefix = $wpdb->prefix . 'aipkit_bench_metering_';
$aipkit_m_tables = [ 'pricing_rules', 'quota_rules', 'balances', 'ledger', 'ledger_rollup', 'holds', 'quota_counters' ];
Tables::$prefix  = $aipkit_m_prefix;

function aipkit_m_users(): array {
	global $wpdb;
	return array_map( 'intval', $wpdb->get_col( "SELECT ID FROM {$wpdb->users} WHERE user_login LIKE 'bench\\_metering\\_%' ORDER BY ID" ) );
}

function aipkit_m_cpu_ms(): float {
	$r = getrusage();
	return ( $r['ru_utime.tv_sec'] + $r['ru_stime.tv_sec'] ) * 1e3 + ( $r['ru_utime.tv_usec'] + $r['ru_stime.tv_usec'] ) / 1e3;
}

function aipkit_m_pct( array $ms, float $p ): float {
	sort( $ms );
	return $ms[ (int) min( count( $ms ) - 1, floor( $p * count( $ms ) ) ) ];
}

register_shutdown_function(
	static function () use ( $aipkit_m_prefix, $aipkit_m_tables ) {
		global $wpdb;
		$ids = aipkit_m_users();
		if ( $ids ) {
			$in = implode( ',', $ids );
			$wpdb->query( "DELETE FROM {$wpdb->usermeta} WHERE user_id IN ($in)" );
			$wpdb->query( "DELETE FROM {$wpdb->users} WHERE ID IN ($in)" );
		}
		foreach ( $aipkit_m_tables as $t ) {
			$wpdb->query( "DROP TABLE IF EXISTS {$aipkit_m_prefix}{$t}" );
		}
	}
);

foreach ( $aipkit_m_tables as $t ) {
	$wpdb->query( "DROP TABLE IF EXISTS {$aipkit_m_prefix}{$t}" );
	$wpdb->query( "CREATE TABLE {$aipkit_m_prefix}{$t} LIKE {$wpdb->prefix}aipkit_{$t}" );
}
PricingRules::create( [ 'usage_type' => 'chat', 'provider' => 'bench', 'model' => 'bench-model', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2' ], 0 );
$users = aipkit_m_users();
for ( $i = count( $users ); $i < 100; $i++ ) {
	// Direct inserts: the bench needs user rows, not wp_insert_user's password hashing.
	$wpdb->insert( $wpdb->users, [ 'user_login' => "bench_metering_$i", 'user_pass' => '*', 'user_nicename' => "bench-metering-$i", 'user_email' => "bench_metering_$i@example.test", 'user_registered' => gmdate( 'Y-m-d H:i:s' ), 'display_name' => "Bench user $i (removed after the run)" ] );
}
$users = aipkit_m_users();
foreach ( $users as $i => $uid ) {
	Balances::credit( $uid, '1000000', 'purchase', "purchase:bench-metering:$i", [ 'note' => 'bench funding' ] );
}

// As asked on the command line: the PHP core may already have switched the JIT off for this request.
$jit_asked = (string) get_cfg_var( 'opcache.jit' );
$n         = (int) ( getenv( 'AIPKIT_METERING_N' ) ?: 1000 );
$auth      = [];
$settle    = [];
$both      = [];
$run       = 'm' . getmypid();
for ( $i = -50; $i < $n; $i++ ) {
	$uid = $users[ ( $i + 50 ) % count( $users ) ];
	$t0  = hrtime( true );
	$h   = aipkit_usage_authorize( [ 'module' => 'bench', 'usage_type' => 'chat', 'provider' => 'bench', 'model' => 'bench-model', 'user_id' => $uid, 'estimate' => [ 'input_tokens' => 100, 'output_tokens' => 50 ], 'request_id' => "$run-$i" ] );
	$t1  = hrtime( true );
	$s   = is_wp_error( $h ) ? $h : aipkit_usage_settle( $h, [ 'input_tokens' => 90, 'output_tokens' => 40 ] );
	$t2  = hrtime( true );
	if ( is_wp_error( $s ) ) {
		fwrite( STDERR, 'metering failed: ' . $s->get_error_message() . "\n" );
		exit( 1 );
	}
	if ( 0 === $i ) {
		$cpu0 = aipkit_m_cpu_ms();
	}
	if ( $i >= 0 ) { // The first 50 warm the caches (and load the PHP core once).
		$auth[]   = ( $t1 - $t0 ) / 1e6;
		$settle[] = ( $t2 - $t1 ) / 1e6;
		$both[]   = ( $t2 - $t0 ) / 1e6;
	}
}
$cpu     = ( aipkit_m_cpu_ms() - $cpu0 ) / $n;
$jit_now = (string) ini_get( 'opcache.jit' );
printf(
	"  backend %-3s opcache %s, JIT %-12s %5d requests, 100 users:  authorize p50 %6.3f p99 %6.3f | settle p50 %6.3f p99 %6.3f | authorize+settle p50 %6.3f p99 %6.3f ms; PHP CPU %.3f ms/request\n",
	aipkit_usage_backend(),
	ini_get( 'opcache.enable_cli' ) ? 'on' : 'off',
	$jit_asked === $jit_now ? ( '' === $jit_asked ? 'off' : $jit_asked ) : "{$jit_asked}→{$jit_now}",
	$n,
	aipkit_m_pct( $auth, .5 ),
	aipkit_m_pct( $auth, .99 ),
	aipkit_m_pct( $settle, .5 ),
	aipkit_m_pct( $settle, .99 ),
	aipkit_m_pct( $both, .5 ),
	aipkit_m_pct( $both, .99 ),
	$cpu
);
