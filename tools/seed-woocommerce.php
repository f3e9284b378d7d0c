<?php
/**
 * Seeds WooCommerce demo data (run by `npm start` and the browser-test site after tools/seed-demo.php,
 * with WordPress loaded; safe to run again: each step looks for what it made before):
 * the credit package "100 AI credits" (simple product), "AI credit bundle" (variable product with three
 * variations of 50, 250 and 1,000 credits; the last one overrides the product's amount) and a completed
 * order of "100 AI credits" for alice, which grants her 100 credits through the integration itself.
 */

defined( 'ABSPATH' ) || exit( "Run with WordPress loaded.\n" );
// phpcs:disable WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- a CLI script reporting on STDOUT.

use AipkitUsage\WooCommerce\CreditPackage;

if ( ! class_exists( 'WooCommerce' ) ) {
	fwrite( STDOUT, "skipped: WooCommerce is not active\n" );
	return;
}
wp_set_current_user( 1 );
// No mail transport on a local site: the order mails would only print sendmail errors.
add_filter( 'pre_wp_mail', '__return_false' );

$aipkit_seed_find = static function ( string $name, string $type ) {
	$found = wc_get_products(
		[
			'name'   => $name,
			'type'   => $type,
			'limit'  => 1,
			'status' => 'any',
		]
	);
	return $found ? $found[0] : null;
};

// 1. "100 AI credits": a virtual simple product, 100 credits per unit.
$aipkit_simple = $aipkit_seed_find( '100 AI credits', 'simple' );
if ( ! $aipkit_simple ) {
	$aipkit_simple = new WC_Product_Simple();
	$aipkit_simple->set_name( '100 AI credits' );
	$aipkit_simple->set_status( 'publish' );
	$aipkit_simple->set_virtual( true );
	$aipkit_simple->set_regular_price( '10.00' );
	$aipkit_simple->set_description( 'Adds 100 AI credits to your balance when the order is completed.' );
	$aipkit_simple->update_meta_data( CreditPackage::FLAG, 'yes' );
	$aipkit_simple->update_meta_data( CreditPackage::CREDITS, '100.000000' );
	$aipkit_simple->save();
}
fwrite( STDOUT, sprintf( "credit package \"100 AI credits\" (product %d)\n", $aipkit_simple->get_id() ) );

// 2. "AI credit bundle": variable, sizes Small / Medium / Large = 50 / 250 / 1,000 credits.
$aipkit_variable = $aipkit_seed_find( 'AI credit bundle', 'variable' );
if ( ! $aipkit_variable ) {
	$aipkit_variable = new WC_Product_Variable();
	$aipkit_variable->set_name( 'AI credit bundle' );
	$aipkit_variable->set_status( 'publish' );
	$aipkit_variable->set_virtual( true );
	$aipkit_attr = new WC_Product_Attribute();
	$aipkit_attr->set_name( 'Size' );
	$aipkit_attr->set_options( [ 'Small', 'Medium', 'Large' ] );
	$aipkit_attr->set_visible( true );
	$aipkit_attr->set_variation( true );
	$aipkit_variable->set_attributes( [ $aipkit_attr ] );
	$aipkit_variable->update_meta_data( CreditPackage::FLAG, 'yes' );
	// The product's amount; Small uses it, Medium and Large override it.
	$aipkit_variable->update_meta_data( CreditPackage::CREDITS, '50.000000' );
	$aipkit_variable->save();
	foreach ( [
		[ 'Small', '5.00', '' ],
		[ 'Medium', '20.00', '250.000000' ],
		[ 'Large', '70.00', '1000.000000' ],
	] as [ $aipkit_size, $aipkit_price, $aipkit_credits ] ) {
		$aipkit_v = new WC_Product_Variation();
		$aipkit_v->set_parent_id( $aipkit_variable->get_id() );
		$aipkit_v->set_attributes( [ 'size' => $aipkit_size ] );
		$aipkit_v->set_regular_price( $aipkit_price );
		$aipkit_v->set_virtual( true );
		$aipkit_v->set_status( 'publish' );
		if ( '' !== $aipkit_credits ) {
			$aipkit_v->update_meta_data( CreditPackage::CREDITS, $aipkit_credits );
		}
		$aipkit_v->save();
	}
	WC_Product_Variable::sync( $aipkit_variable->get_id() );
}
fwrite( STDOUT, sprintf( "credit package \"AI credit bundle\" (variable product %d: 50 / 250 / 1000 credits)\n", $aipkit_variable->get_id() ) );

// 3. A completed order of "100 AI credits" for alice (granted by the integration, like a real sale).
$aipkit_alice = get_user_by( 'login', 'alice' );
if ( $aipkit_alice ) {
	$aipkit_orders = wc_get_orders(
		[
			'customer_id' => $aipkit_alice->ID,
			'limit'       => 1,
			'meta_key'    => '_aipkit_seeded', // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key -- one seed lookup.
			'meta_value'  => 'yes', // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_value -- one seed lookup.
		]
	);
	if ( ! $aipkit_orders ) {
		$aipkit_order = wc_create_order( [ 'customer_id' => $aipkit_alice->ID ] );
		$aipkit_order->add_product( $aipkit_simple, 1 );
		$aipkit_order->set_billing_email( $aipkit_alice->user_email );
		$aipkit_order->set_billing_first_name( 'Alice' );
		$aipkit_order->set_payment_method( 'cod' );
		$aipkit_order->update_meta_data( '_aipkit_seeded', 'yes' );
		$aipkit_order->calculate_totals();
		$aipkit_order->save();
		$aipkit_order->update_status( 'completed', 'Demo order (tools/seed-woocommerce.php).' );
		$aipkit_orders = [ $aipkit_order ];
	}
	fwrite( STDOUT, sprintf( "completed order #%d for alice (100 AI credits)\n", $aipkit_orders[0]->get_id() ) );
}
