<?php
/**
 * Seeds the demo site (run by `npm start` with WordPress loaded; safe to run again: every step
 * checks what exists, and usage history reuses fixed request ids, which the metering API treats
 * as "already done").
 *
 * Users: alice (subscriber, 25 credits), bob (subscriber, no balance); passwords printed below.
 */

defined( 'ABSPATH' ) || exit( "Run with WordPress loaded.\n" );

use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\QuotaRules;

if ( ! function_exists( 'aipkit_usage_authorize' ) ) {
	fwrite( STDERR, "AI Puffer Usage is not active.\n" );
	exit( 1 );
}
if ( ! class_exists( 'AipkitUsageDemo\\ChatEndpoint' ) ) {
	require_once dirname( __DIR__ ) . '/demo-module/aipkit-usage-demo.php';
}

$aipkit_seed_out = static function ( string $line ): void {
	fwrite( STDOUT, $line . "\n" );
};

// Users.
$aipkit_seed_users = [];
foreach ( [
	'alice' => 'alice-demo-password',
	'bob'   => 'bob-demo-password',
] as $login => $pass ) {
	$user = get_user_by( 'login', $login );
	if ( ! $user ) {
		$id = wp_insert_user(
			[
				'user_login'   => $login,
				'user_pass'    => $pass,
				'user_email'   => $login . '@example.test',
				'display_name' => ucfirst( $login ),
				'role'         => 'subscriber',
			]
		);
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, "could not create $login: " . $id->get_error_message() . "\n" );
			exit( 1 );
		}
		$user = get_user_by( 'id', $id );
	}
	$aipkit_seed_users[ $login ] = (int) $user->ID;
	$aipkit_seed_out( sprintf( 'demo user %s / %s (id %d)', $login, $pass, $user->ID ) );
}
wp_set_current_user( 1 );

// Pricing rules: every billing method, including the documentation's worked example.
$aipkit_seed_rules    = [
	[
		'usage_type'  => 'chat',
		'provider'    => 'demo',
		'model'       => 'demo-chat',
		'method'      => 'per_1k_tokens',
		'input_rate'  => '1',
		'output_rate' => '2',
	],
	[
		'usage_type' => 'chat',
		'provider'   => 'demo',
		'model'      => 'demo-chat-large',
		'method'     => 'flat',
		'unit_rate'  => '5',
	],
	[
		'usage_type'  => 'chat',
		'provider'    => 'openai',
		'model'       => 'gpt-4o',
		'method'      => 'per_1k_tokens',
		'input_rate'  => '1',
		'output_rate' => '2',
	],
	[
		'usage_type'  => 'form_submit',
		'provider'    => 'demo',
		'model'       => '*',
		'method'      => 'per_1k_tokens',
		'input_rate'  => '0.5',
		'output_rate' => '1',
	],
	[
		'usage_type' => 'image_generate',
		'provider'   => 'demo',
		'model'      => 'demo-image',
		'method'     => 'per_image',
		'unit_rate'  => '2',
	],
	[
		'usage_type' => 'image_edit',
		'provider'   => 'demo',
		'model'      => '*',
		'method'     => 'flat',
		'unit_rate'  => '1.5',
	],
	[
		'usage_type' => 'video_generate',
		'provider'   => 'demo',
		'model'      => '*',
		'method'     => 'per_video',
		'unit_rate'  => '10',
	],
];
$aipkit_seed_existing = [];
foreach ( PricingRules::all() as $r ) {
	$aipkit_seed_existing[ $r['usage_type'] . '|' . $r['provider'] . '|' . $r['model'] ] = true;
}
foreach ( $aipkit_seed_rules as $rule ) {
	if ( isset( $aipkit_seed_existing[ $rule['usage_type'] . '|' . $rule['provider'] . '|' . $rule['model'] ] ) ) {
		continue;
	}
	$r = PricingRules::create( $rule, 1 );
	if ( is_wp_error( $r ) ) {
		fwrite( STDERR, 'pricing rule: ' . $r->get_error_message() . "\n" );
		exit( 1 );
	}
}
$aipkit_seed_out( 'pricing rules: ' . count( PricingRules::all() ) );

// Quotas for guests, users and a role (saving is an upsert per module/bot).
foreach ( [
	[
		'module'      => 'chatbot',
		'guest_limit' => '5',
		'user_limit'  => '20',
		'role_limits' => [
			'editor'        => '100',
			'administrator' => null,
		],
		'period'      => 'daily',
		'message'     => '',
	],
	[
		'module'      => 'chatbot',
		'bot_id'      => 'demo-sales',
		'guest_limit' => '10',
		'user_limit'  => '50',
		'period'      => 'weekly',
		'message'     => 'The sales bot allowance for this week is used up.',
	],
	[
		'module'      => 'ai_forms',
		'guest_limit' => '0',
		'user_limit'  => '10',
		'period'      => 'weekly',
		'message'     => '',
	],
	[
		'module'      => 'image_generator',
		'guest_limit' => '0',
		'user_limit'  => '10',
		'period'      => 'monthly',
		'message'     => 'Image credits for this month are used up.',
	],
] as $q ) {
	$existing = QuotaRules::resolve( $q['module'], $q['bot_id'] ?? '' );
	if ( $existing && $existing['bot_id'] === ( $q['bot_id'] ?? '' ) ) {
		continue;
	}
	$r = QuotaRules::save( $q );
	if ( is_wp_error( $r ) ) {
		fwrite( STDERR, 'quota: ' . $r->get_error_message() . "\n" );
		exit( 1 );
	}
}
$aipkit_seed_out( 'quota rules: ' . count( QuotaRules::all() ) );

// Alice's starting balance, once.
$aipkit_seed_alice = $aipkit_seed_users['alice'];
global $wpdb;
$aipkit_seed_funded = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . \AipkitUsage\Billing\Tables::ledger() . " WHERE user_id = %d AND kind = 'admin_adjustment'", $aipkit_seed_alice ) );
if ( ! $aipkit_seed_funded ) {
	$r = aipkit_usage_adjust_balance( $aipkit_seed_alice, aipkit_usage_balance( $aipkit_seed_alice )['balance'], '25', 'Demo seed: starting balance' );
	if ( is_wp_error( $r ) ) {
		fwrite( STDERR, 'balance: ' . $r->get_error_message() . "\n" );
		exit( 1 );
	}
}

// History through the real API: fixed request ids make a second run a no-op.
$aipkit_seed_history = [
	[ 'alice', 'demo-support', 'How do pricing rules work? Check the docs.', 'seed-alice-1', 'seed-conv-alice' ],
	[ 'alice', 'demo-support', 'And what happens when my balance runs out?', 'seed-alice-2', 'seed-conv-alice' ],
	[ 'alice', 'demo-sales', 'Which credit package should I buy?', 'seed-alice-3', 'seed-conv-alice-sales' ],
	[ 'alice', 'demo-images', 'A puffer fish and a lighthouse', 'seed-alice-4', '' ],
	[ 'bob', 'demo-support', 'Hello, is this thing on?', 'seed-bob-1', 'seed-conv-bob' ],
	[ 'bob', 'demo-form', 'Describe a blue ceramic mug.', 'seed-bob-2', '' ],
];
$aipkit_seed_ok      = 0;
foreach ( $aipkit_seed_history as list( $who, $bot, $msg, $rid, $conv ) ) {
	$r = \AipkitUsageDemo\ChatEndpoint::run( $bot, $msg, $conv, false, $aipkit_seed_users[ $who ], $rid );
	if ( is_wp_error( $r ) ) {
		$aipkit_seed_out( sprintf( '  %s (%s): %s', $rid, $who, $r->get_error_message() ) );
		continue;
	}
	++$aipkit_seed_ok;
}
$aipkit_seed_out( sprintf( 'usage history: %d requests metered; alice balance %s', $aipkit_seed_ok, aipkit_usage_balance( $aipkit_seed_alice )['balance'] ) );

// Demo pages, one per widget; an existing page keeps its content (a second run changes nothing).
foreach ( [
	'demo-chat'  => [ 'Demo Chat', '[aipkit_demo_chat bot="demo-support" stream="true"]' ],
	'demo-form'  => [ 'Demo AI Form', '[aipkit_demo_form form="demo-form"]' ],
	'demo-image' => [ 'Demo Image Generator', '[aipkit_demo_image bot="demo-images"]' ],
] as $aipkit_seed_slug => list( $aipkit_seed_title, $aipkit_seed_content ) ) {
	$aipkit_seed_page = get_page_by_path( $aipkit_seed_slug );
	if ( $aipkit_seed_page && 'demo-chat' === $aipkit_seed_slug && '[aipkit_demo_chat bot="demo-support"]' === $aipkit_seed_page->post_content ) {
		// Pages seeded before the chat streamed get the new shortcode; edited pages are left alone.
		wp_update_post(
			[
				'ID'           => $aipkit_seed_page->ID,
				'post_content' => $aipkit_seed_content,
			]
		);
	} elseif ( ! $aipkit_seed_page ) {
		wp_insert_post(
			[
				'post_type'    => 'page',
				'post_status'  => 'publish',
				'post_name'    => $aipkit_seed_slug,
				'post_title'   => $aipkit_seed_title,
				'post_content' => $aipkit_seed_content,
			]
		);
	}
	$aipkit_seed_out( sprintf( 'demo page: %s', home_url( '/' . $aipkit_seed_slug . '/' ) ) );
}
