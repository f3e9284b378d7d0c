<?php
/**
 * Metering latency per core backend (issue 13, Measure): authorize + settle in-process against the
 * real MariaDB, p50/p99 in ms. Run with WordPress loaded and the PHP flags under test, by bench/core/run:
 *   AIPKIT_WP_DIR=… php -d ffi.enable=0|1 -d opcache.enable_cli=1 -d opcache.jit=off|tracing \
 *     bin/php/run-with-wp.php bench/core/metering.php
 * AIPKIT_METERING_N requests (default 1,000) over 100 funded users, on copies of the billing tables
 * ({prefix}aipkit_bench_metering_*) and users bench_metering_N, all removed at exit. Prints figures;
 * asserts nothing about speed (exits 1 only if a request fails).
 *
 * Also printed: the statements per metered request (the session's Questions counter: every round
 * trip, whoever sends it) and the floor: the very statements the plugin sent (captured through the
 * `query` filter every wpdb and Transaction statement passes) replayed in order through bare mysqli,
 * no plugin code, against copies of the tables taken before the run (so every id, key and condition
 * comes out the same). The floor is what this machine's database costs for that sequence; the gap
 * above it is PHP. AIPKIT_METERING_FLOOR=0 skips it.
 */

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\Tables;

global $wpdb;
$wpdb->suppress_errors( false );
$aipkit_m_prefix = $wpdb->prefix . 'aipkit_bench_metering_';
$aipkit_m_tables = [ 'pricing_rules', 'quota_rules', 'balances', 'ledger', 'ledger_rollup', 'holds', 'quota_counters' ];
$aipkit_m_floor  = $wpdb->prefix . 'aipkit_bench_floor_';
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
	static function () use ( $aipkit_m_prefix, $aipkit_m_floor, $aipkit_m_tables ) {
		global $wpdb;
		$ids = aipkit_m_users();
		if ( $ids ) {
			$in = implode( ',', $ids );
			$wpdb->query( "DELETE FROM {$wpdb->usermeta} WHERE user_id IN ($in)" );
			$wpdb->query( "DELETE FROM {$wpdb->users} WHERE ID IN ($in)" );
		}
		foreach ( $aipkit_m_tables as $t ) {
			$wpdb->query( "DROP TABLE IF EXISTS {$aipkit_m_prefix}{$t}" );
			$wpdb->query( "DROP TABLE IF EXISTS {$aipkit_m_floor}{$t}" );
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

// The floor's copies, as the run starts: same rows, same AUTO_INCREMENT counters.
$floor = '0' !== getenv( 'AIPKIT_METERING_FLOOR' );
foreach ( $floor ? $aipkit_m_tables : [] as $t ) {
	$wpdb->query( "DROP TABLE IF EXISTS {$aipkit_m_floor}{$t}" );
	$wpdb->query( "CREATE TABLE {$aipkit_m_floor}{$t} LIKE {$aipkit_m_prefix}{$t}" );
	$wpdb->query( "INSERT INTO {$aipkit_m_floor}{$t} SELECT * FROM {$aipkit_m_prefix}{$t}" );
}
$sent    = [];
$capture = static function ( $sql ) use ( &$sent ) {
	$sent[] = $sql;
	return $sql;
};
$questions = static fn() => (int) $wpdb->dbh->query( "SHOW SESSION STATUS LIKE 'Questions'" )->fetch_row()[1];

// As asked on the command line: the PHP core may already have switched the JIT off for this request.
$jit_asked = (string) get_cfg_var( 'opcache.jit' );
$n         = (int) ( getenv( 'AIPKIT_METERING_N' ) ?: 1000 );
$auth      = [];
$settle    = [];
$both      = [];
$run       = 'm' . getmypid();
$requests  = [];
add_filter( 'query', $capture, PHP_INT_MAX );
for ( $i = -100; $i < $n; $i++ ) {
	$uid = $users[ ( $i + 100 ) % count( $users ) ];
	if ( 0 === $i ) {
		$q0 = $questions();
	}
	$sent = [];
	$t0   = hrtime( true );
	$h   = aipkit_usage_authorize( [ 'module' => 'bench', 'usage_type' => 'chat', 'provider' => 'bench', 'model' => 'bench-model', 'user_id' => $uid, 'estimate' => [ 'input_tokens' => 100, 'output_tokens' => 50 ], 'request_id' => "$run-$i" ] );
	$t1  = hrtime( true );
	$s   = is_wp_error( $h ) ? $h : aipkit_usage_settle( $h, [ 'input_tokens' => 90, 'output_tokens' => 40 ] );
	$t2  = hrtime( true );
	if ( is_wp_error( $s ) ) {
		fwrite( STDERR, 'metering failed: ' . $s->get_error_message() . "\n" );
		exit( 1 );
	}
	$requests[] = $sent;
	if ( 0 === $i ) {
		$cpu0 = aipkit_m_cpu_ms();
	}
	if ( $i >= 0 ) { // The first 100 warm the caches: each user once (its WP_User), and the PHP core.
		$auth[]   = ( $t1 - $t0 ) / 1e6;
		$settle[] = ( $t2 - $t1 ) / 1e6;
		$both[]   = ( $t2 - $t0 ) / 1e6;
	}
}
$cpu     = ( aipkit_m_cpu_ms() - $cpu0 ) / $n;
// Less the SHOW STATUS that reads it.
$per_request = ( $questions() - $q0 - 1 ) / $n;
remove_filter( 'query', $capture, PHP_INT_MAX );
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

if ( $floor ) {
	// The same statements, in the same order, straight on the connection: no wpdb, no plugin code.
	$conn     = $wpdb->dbh;
	$floor_ms = [];
	foreach ( $requests as $k => $statements ) {
		$t0 = hrtime( true );
		foreach ( $statements as $sql ) {
			$r = $conn->query( str_replace( $aipkit_m_prefix, $aipkit_m_floor, $sql ) );
			if ( false === $r ) {
				fwrite( STDERR, "floor: a replayed statement failed: {$conn->error}\n" );
				exit( 1 );
			}
			if ( $r instanceof mysqli_result ) {
				$r->fetch_all();
				$r->free();
			}
		}
		if ( $k >= 100 ) {
			$floor_ms[] = ( hrtime( true ) - $t0 ) / 1e6;
		}
	}
	// The replay must have done the same work (same hold ids, so every settle found its hold).
	$settled = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$aipkit_m_floor}holds WHERE status = 'settled'" );
	if ( count( $requests ) !== $settled ) {
		fwrite( STDERR, sprintf( "floor: the replay settled %d holds of %d: its figure is not comparable\n", $settled, count( $requests ) ) );
	}
	printf(
		"  floor: the same %.1f statements per request through bare mysqli, no plugin code: p50 %6.3f p99 %6.3f ms (the database's share on this machine; load average %s)\n",
		$per_request,
		aipkit_m_pct( $floor_ms, .5 ),
		aipkit_m_pct( $floor_ms, .99 ),
		implode( ' ', array_slice( explode( ' ', (string) file_get_contents( '/proc/loadavg' ) ), 0, 3 ) )
	);
} else {
	printf( "  %.1f statements per request\n", $per_request );
}
