<?php
namespace AipkitUsage\Billing;

/**
 * Names of the billing tables (contract §5), in one place so queries never spell a prefix by hand.
 */
final class Tables {
	/** Full table-name prefix override (benchmarks run on their own copies of the tables); null = the site's. */
	public static ?string $prefix = null;

	private static function name( string $short ): string {
		global $wpdb;
		return ( self::$prefix ?? $wpdb->prefix . 'aipkit_' ) . $short;
	}

	public static function pricing_rules(): string {
		return self::name( 'pricing_rules' );
	}

	public static function quota_rules(): string {
		return self::name( 'quota_rules' );
	}

	public static function balances(): string {
		return self::name( 'balances' );
	}

	public static function ledger(): string {
		return self::name( 'ledger' );
	}

	public static function ledger_rollup(): string {
		return self::name( 'ledger_rollup' );
	}

	public static function ledger_days(): string {
		return self::name( 'ledger_days' );
	}

	public static function holds(): string {
		return self::name( 'holds' );
	}

	public static function counters(): string {
		return self::name( 'quota_counters' );
	}

	public static function refusals(): string {
		return self::name( 'refusals' );
	}
}
