<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * The billing side of the Gateway: every decision (amounts, rounding, matching, admission, order)
 * is made by the core; this class only names the calls billing makes.
 */
final class Core {
	public static function quote( array $rules, array $usage ) {
		return Gateway::instance()->quote(
			[
				'rules' => $rules,
				'usage' => $usage,
			]
		);
	}

	/** Lean quote (credits, rule_id, fallback, units): the metering hot path needs no breakdown. */
	public static function price( array $rules, array $usage ) {
		return Gateway::instance()->price( $rules, $usage );
	}

	public static function validate_rule( array $rule ) {
		return Gateway::instance()->validate_rule( [ 'rule' => $rule ] );
	}

	public static function effective_limit( array $req ) {
		return Gateway::instance()->effective_limit( $req );
	}

	public static function period( string $period, ?int $now = null ) {
		return Gateway::instance()->period(
			[
				'period' => $period,
				'now'    => $now ?? time(),
			]
		);
	}

	public static function admit( array $req ) {
		return Gateway::instance()->admit( $req );
	}

	public static function settle( array $req ) {
		return Gateway::instance()->settle( $req );
	}

	public static function adjust_balance( string $current, string $expected, string $new ) {
		return Gateway::instance()->adjust_balance(
			[
				'current'  => $current,
				'expected' => $expected,
				'new'      => $new,
			]
		);
	}

	public static function reconcile( array $balances, array $entries ) {
		return Gateway::instance()->reconcile(
			[
				'balances' => $balances,
				'entries'  => $entries,
			]
		);
	}

	/** @return string|WP_Error */
	public static function key( string $kind, array $parts ) {
		$r = Gateway::instance()->idempotency_key(
			[
				'kind'  => $kind,
				'parts' => array_map( 'strval', $parts ),
			]
		);
		return is_wp_error( $r ) ? $r : (string) $r['key'];
	}

	public static function csv( array $rows ) {
		$r = Gateway::instance()->csv_rows( [ 'rows' => $rows ] );
		return is_wp_error( $r ) ? $r : (string) $r['csv'];
	}
}
