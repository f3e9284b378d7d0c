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

// A function scope: this file runs inside WordPress, where file-scope variables would be globals.
( static function (): void {

	if ( ! function_exists( 'aipkit_usage_authorize' ) ) {
		fwrite( STDERR, "AI Puffer Usage is not active.\n" );
		exit( 1 );
	}
	if ( ! class_exists( 'AipkitUsageDemo\\ChatEndpoint' ) ) {
		require_once dirname( __DIR__ ) . '/demo-module/aipkit-usage-demo.php';
	}

	$out = static function ( string $line ): void {
		fwrite( STDOUT, $line . "\n" );
	};

	// Users.
	$users = [];
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
		$users[ $login ] = (int) $user->ID;
		$out( sprintf( 'demo user %s / %s (id %d)', $login, $pass, $user->ID ) );
	}
	wp_set_current_user( 1 );

	// Pricing rules: every billing method, including the documentation's worked example.
	$rules    = [
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
	$existing = [];
	foreach ( PricingRules::all() as $r ) {
		$existing[ $r['usage_type'] . '|' . $r['provider'] . '|' . $r['model'] ] = true;
	}
	foreach ( $rules as $rule ) {
		if ( isset( $existing[ $rule['usage_type'] . '|' . $rule['provider'] . '|' . $rule['model'] ] ) ) {
			continue;
		}
		$r = PricingRules::create( $rule, 1 );
		if ( is_wp_error( $r ) ) {
			fwrite( STDERR, 'pricing rule: ' . $r->get_error_message() . "\n" );
			exit( 1 );
		}
	}
	$out( 'pricing rules: ' . count( PricingRules::all() ) );

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
		if ( $existing && ( $q['bot_id'] ?? '' ) === $existing['bot_id'] ) {
			continue;
		}
		$r = QuotaRules::save( $q );
		if ( is_wp_error( $r ) ) {
			fwrite( STDERR, 'quota: ' . $r->get_error_message() . "\n" );
			exit( 1 );
		}
	}
	$out( 'quota rules: ' . count( QuotaRules::all() ) );

	// Alice's starting balance, once.
	$alice = $users['alice'];
	global $wpdb;
	$ledger = \AipkitUsage\Billing\Tables::ledger();
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $ledger is the plugin's own table name (Tables::ledger()), not input; WP 6.1 has no %i.
	$funded = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$ledger} WHERE user_id = %d AND kind = 'admin_adjustment'", $alice ) );
	if ( ! $funded ) {
		$r = aipkit_usage_adjust_balance( $alice, aipkit_usage_balance( $alice )['balance'], '25', 'Demo seed: starting balance' );
		if ( is_wp_error( $r ) ) {
			fwrite( STDERR, 'balance: ' . $r->get_error_message() . "\n" );
			exit( 1 );
		}
	}

	// History through the real API: fixed request ids make a second run a no-op.
	$history = [
		[ 'alice', 'demo-support', 'How do pricing rules work? Check the docs.', 'seed-alice-1', 'seed-conv-alice' ],
		[ 'alice', 'demo-support', 'And what happens when my balance runs out?', 'seed-alice-2', 'seed-conv-alice' ],
		[ 'alice', 'demo-sales', 'Which credit package should I buy?', 'seed-alice-3', 'seed-conv-alice-sales' ],
		[ 'alice', 'demo-images', 'A puffer fish and a lighthouse', 'seed-alice-4', '' ],
		[ 'bob', 'demo-support', 'Hello, is this thing on?', 'seed-bob-1', 'seed-conv-bob' ],
		[ 'bob', 'demo-form', 'Describe a blue ceramic mug.', 'seed-bob-2', '' ],
	];
	$ok      = 0;
	foreach ( $history as list( $who, $bot, $msg, $rid, $conv ) ) {
		$r = \AipkitUsageDemo\ChatEndpoint::run( $bot, $msg, $conv, false, $users[ $who ], $rid );
		if ( is_wp_error( $r ) ) {
			$out( sprintf( '  %s (%s): %s', $rid, $who, $r->get_error_message() ) );
			continue;
		}
		++$ok;
	}
	$out( sprintf( 'usage history: %d requests metered; alice balance %s', $ok, aipkit_usage_balance( $alice )['balance'] ) );

	// Demo pages, one per widget; an existing page keeps its content (a second run changes nothing).
	foreach ( [
		'demo-chat'  => [ 'Demo Chat', '[aipkit_demo_chat bot="demo-support" stream="true"]' ],
		'demo-form'  => [ 'Demo AI Form', '[aipkit_demo_form form="demo-form"]' ],
		'demo-image' => [ 'Demo Image Generator', '[aipkit_demo_image bot="demo-images"]' ],
	] as $slug => list( $title, $content ) ) {
		$page = get_page_by_path( $slug );
		if ( $page && 'demo-chat' === $slug && '[aipkit_demo_chat bot="demo-support"]' === $page->post_content ) {
			// Pages seeded before the chat streamed get the new shortcode; edited pages are left alone.
			wp_update_post(
				[
					'ID'           => $page->ID,
					'post_content' => $content,
				]
			);
		} elseif ( ! $page ) {
			wp_insert_post(
				[
					'post_type'    => 'page',
					'post_status'  => 'publish',
					'post_name'    => $slug,
					'post_title'   => $title,
					'post_content' => $content,
				]
			);
		}
		$out( sprintf( 'demo page: %s', home_url( '/' . $slug . '/' ) ) );
	}
} )();
