<?php
/**
 * bench/woo/run: grant time added to WooCommerce's status change (the integration's status hook, timed
 * around its call), next to the whole status change.
 */

defined( 'ABSPATH' ) || exit( "Run with WordPress loaded.\n" );

use AipkitUsage\Billing\Tables;
use AipkitUsage\WooCommerce\CreditPackage;
use AipkitUsage\WooCommerce\Grants;

if ( ! class_exists( 'WooCommerce' ) ) {
	echo "skipped: WooCommerce is not active on the local site (npm start builds it when the archives are in AIPKIT_VENDOR_DIR)\n";
	return;
}
add_filter( 'pre_wp_mail', '__return_false' );
wp_set_current_user( 1 );
$n       = max( 10, (int) ( getenv( 'AIPKIT_BENCH_WOO_ORDERS' ) ?: 100 ) );
$user_id = wp_insert_user(
	[
		'user_login' => 'bench_woo_' . getmypid(),
		'user_pass'  => wp_generate_password(),
		'user_email' => 'bench_woo_' . getmypid() . '@example.test',
		'role'       => 'customer',
	]
);
$product = new WC_Product_Simple();
$product->set_name( 'bench credits' );
$product->set_status( 'private' );
$product->set_virtual( true );
$product->set_regular_price( '1' );
$product->update_meta_data( CreditPackage::FLAG, 'yes' );
$product->update_meta_data( CreditPackage::CREDITS, '100' );
$product->save();
$orders = [];
register_shutdown_function(
	static function () use ( &$orders, $product, $user_id ) {
		global $wpdb;
		foreach ( $orders as $id ) {
			$o = wc_get_order( $id );
			if ( $o ) {
				$o->delete( true );
			}
		}
		$product->delete( true );
		$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . Tables::ledger() . ' WHERE user_id = %d', $user_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
		$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . Tables::balances() . ' WHERE user_id = %d', $user_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
		require_once ABSPATH . 'wp-admin/includes/user.php';
		wp_delete_user( $user_id );
	}
);

// The grant runs inside WooCommerce's status change, in our status hook: time that hook (wall and on-CPU,
// the latter robust to a busy machine) and, for context, the whole status change.
$times = [
	'hook_wall' => [],
	'hook_cpu'  => [],
	'change'    => [],
	'queries'   => [],
];
$cpu   = static function (): float {
	$r = getrusage();
	return ( $r['ru_utime.tv_sec'] + $r['ru_stime.tv_sec'] ) * 1e3 + ( $r['ru_utime.tv_usec'] + $r['ru_stime.tv_usec'] ) / 1e3;
};
$hook  = [ Grants::class, 'on_status_changed' ];
remove_action( 'woocommerce_order_status_changed', $hook, 20 );
// Every statement passes the 'query' filter (wpdb's and the checked ones of Transaction): count those the
// grant sends; AIPKIT_BENCH_WOO_QUERIES=1 prints the last grant's statements.
$last     = [];
$counting = false;
$seen     = [];
add_filter(
	'query',
	static function ( $sql ) use ( &$counting, &$seen ) {
		if ( $counting ) {
			$seen[] = $sql;
		}
		return $sql;
	}
);
add_action(
	'woocommerce_order_status_changed',
	static function ( ...$args ) use ( $hook, $cpu, &$last, &$counting, &$seen ) {
		$seen     = [];
		$counting = true;
		$w        = hrtime( true );
		$c        = $cpu();
		call_user_func_array( $hook, $args );
		$last     = [ ( hrtime( true ) - $w ) / 1e6, $cpu() - $c, count( $seen ) ];
		$counting = false;
	},
	20,
	4
);
for ( $i = 0; $i < $n + 10; $i++ ) {
	$order = wc_create_order( [ 'customer_id' => $user_id ] );
	$order->add_product( $product, 1 );
	$order->calculate_totals();
	$order->save();
	$orders[] = $order->get_id();
	$t        = hrtime( true );
	$order->update_status( 'completed' );
	$elapsed = ( hrtime( true ) - $t ) / 1e6;
	if ( $i >= 10 ) { // The first orders warm caches.
		$times['change'][]    = $elapsed;
		$times['hook_wall'][] = $last[0];
		$times['hook_cpu'][]  = $last[1];
		$times['queries'][]   = $last[2];
	}
}
$pct     = static function ( array $v, float $p ): float {
	sort( $v );
	return $v[ (int) floor( ( count( $v ) - 1 ) * $p ) ];
};
$granted = (int) $GLOBALS['wpdb']->get_var( $GLOBALS['wpdb']->prepare( 'SELECT COUNT(*) FROM ' . Tables::ledger() . " WHERE user_id = %d AND kind = 'purchase'", $user_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
printf( "WooCommerce %s, %s storage, %d orders, load average %s\n", WC()->version, \AipkitUsage\WooCommerce\Module::hpos() ? 'HPOS' : 'posts', $n, implode( ' ', array_slice( explode( ' ', (string) file_get_contents( '/proc/loadavg' ) ), 0, 3 ) ) );
printf( "whole status change (WooCommerce + grant): p50 %7.2f ms  p99 %7.2f ms\n", $pct( $times['change'], 0.5 ), $pct( $times['change'], 0.99 ) );
printf( "grant added (wall):                        p50 %7.2f ms  p99 %7.2f ms  (target <= 5 ms p50)\n", $pct( $times['hook_wall'], 0.5 ), $pct( $times['hook_wall'], 0.99 ) );
printf( "grant added (on-CPU, this process):        p50 %7.2f ms  p99 %7.2f ms\n", $pct( $times['hook_cpu'], 0.5 ), $pct( $times['hook_cpu'], 0.99 ) );
printf( "queries per grant:                         p50 %4d     max %4d\n", $pct( $times['queries'], 0.5 ), max( $times['queries'] ) );
printf( "%d orders granted (expected %d)\n", $granted, $n + 10 );
if ( getenv( 'AIPKIT_BENCH_WOO_QUERIES' ) ) {
	echo "statements of the last grant:\n";
	foreach ( $seen as $i => $sql ) {
		printf( "%3d  %s\n", $i + 1, preg_replace( '/\s+/', ' ', substr( $sql, 0, 220 ) ) );
	}
}
