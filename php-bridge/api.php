<?php
/**
 * Public metering API for AI modules (stable names; documented in docs/billing.md).
 *
 * Every function returns an array on success or a WP_Error (with data.status and, for bad input,
 * data.field). Amounts are decimal strings with 6 places.
 *
 * @package AipkitUsage
 */

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Metering;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Core\Gateway;

defined( 'ABSPATH' ) || exit;

if ( ! function_exists( 'aipkit_usage_backend' ) ) {
	/**
	 * How the core runs in this request: 'ffi' (the native library) or 'php' (the core compiled to PHP).
	 *
	 * @return string 'ffi' or 'php'
	 */
	function aipkit_usage_backend(): string {
		return \AipkitUsage\Core\Gateway::backend();
	}
}

if ( ! function_exists( 'aipkit_usage_quote' ) ) {
	/**
	 * Prices a usage record against the enabled rules without charging.
	 *
	 * @param array $request usage_type, provider, model, input_tokens, output_tokens, images, videos
	 * @return array|WP_Error credits, method, rule_id, fallback, units, breakdown, rule_snapshot
	 */
	function aipkit_usage_quote( array $request ) {
		$usage = [
			'usage_type'    => (string) ( $request['usage_type'] ?? '' ),
			'provider'      => strtolower( trim( (string) ( $request['provider'] ?? '' ) ) ),
			'model'         => trim( (string) ( $request['model'] ?? '' ) ),
			'input_tokens'  => $request['input_tokens'] ?? 0,
			'output_tokens' => $request['output_tokens'] ?? 0,
			'images'        => $request['images'] ?? 0,
			'videos'        => $request['videos'] ?? 0,
		];
		return Gateway::instance()->quote(
			[
				'rules' => PricingRules::enabled(),
				'usage' => $usage,
			]
		);
	}

	/**
	 * Estimates, admits or refuses, and places the hold.
	 *
	 * @param array $request module, usage_type, provider, model, bot_id?, user_id (0 = guest),
	 *                       estimate {input_tokens, output_tokens, images, videos}, request_id
	 * @return array|WP_Error hold (hold_id, request_id, hold_balance, hold_quota, estimate, expires_at, quote);
	 *                        refusal: WP_Error aipkit_quota_exceeded, status 429, data.actions
	 */
	function aipkit_usage_authorize( array $request ) {
		return Metering::authorize( $request );
	}

	/**
	 * Charges the actual cost, releases the rest, writes the ledger entry and (when given) the log.
	 *
	 * @param int|array $hold         hold id or what aipkit_usage_authorize() returned
	 * @param array     $actual_usage input_tokens, output_tokens, images, videos, failed (bool)
	 * @param array     $log          conversation_id, user_message, reply, metadata, vector_context, status
	 */
	function aipkit_usage_settle( $hold, array $actual_usage, array $log = [] ) {
		return Metering::settle( $hold, $actual_usage, $log );
	}

	/** Releases a hold without charging (the request failed before any usage). */
	function aipkit_usage_release( $hold ) {
		return Metering::release( $hold );
	}

	/** @return array{balance:string,held:string,available:string,uncovered:string} uncovered: usage no credit paid for yet */
	function aipkit_usage_balance( int $user_id ) {
		return Balances::get( $user_id );
	}

	/**
	 * Sets a balance, refusing (409 aipkit_stale_balance) if it is no longer $expected_balance.
	 *
	 * @return array|WP_Error {balance, delta, ledger_id}
	 */
	function aipkit_usage_adjust_balance( int $user_id, $expected_balance, $new_balance, string $reason = '' ) {
		return Balances::adjust( $user_id, $expected_balance, $new_balance, $reason );
	}

	/**
	 * Zeroes the current period's usage of one scope (module or module:bot_id) or of every scope ('all').
	 *
	 * @param int|string $subject user id, 'user:<id>' or 'guest:<key>'
	 */
	function aipkit_usage_reset_quota( $subject, string $scope = 'all' ) {
		if ( is_int( $subject ) || ctype_digit( (string) $subject ) ) {
			$subject = 'user:' . (int) $subject;
		}
		return Quotas::reset( (string) $subject, $scope );
	}
}
