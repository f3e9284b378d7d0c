<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;

/**
 * Models charged in the last DAYS days that no enabled pricing rule covers: such usage falls back
 * to raw units (a 500-token reply costs 500 credits). Which models were used is read from the
 * ledger once per CACHE_TTL; whether a rule covers each one is asked of the core against the
 * rules as they are now, so a new rule removes its model from the list at once.
 */
// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is our own (Tables::ledger()); values are prepared.
final class UnruledModels {
	public const DAYS       = 30;
	private const CACHE     = 'aipkit_usage_used_models';
	private const CACHE_TTL = 10 * MINUTE_IN_SECONDS;

	/** @return array<int,array{usage_type:string,provider:string,model:string,uses:int,credits:string,last_at:int}> */
	public static function list(): array {
		$out   = [];
		$rules = PricingRules::enabled();
		foreach ( self::used() as $m ) {
			$q = Gateway::instance()->price(
				$rules,
				[
					'usage_type'    => $m['usage_type'],
					'provider'      => $m['provider'],
					'model'         => $m['model'],
					'input_tokens'  => 0,
					'output_tokens' => 0,
					'images'        => 0,
					'videos'        => 0,
				]
			);
			if ( ! is_wp_error( $q ) && ! empty( $q['fallback'] ) ) {
				$out[] = $m;
			}
		}
		return $out;
	}

	/** Distinct usage type / provider / model charged in the window, with use counts (cached). */
	public static function used(): array {
		$cached = get_transient( self::CACHE );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		global $wpdb;
		$l    = Tables::ledger();
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT usage_type, provider, model, COUNT(*) AS uses, SUM(-amount) AS credits, MAX(created_at) AS last_at
				 FROM $l FORCE INDEX (kind_created) WHERE kind = 'usage' AND created_at >= %s AND model <> ''
				 GROUP BY usage_type, provider, model ORDER BY uses DESC LIMIT 200",
				gmdate( 'Y-m-d H:i:s', time() - self::DAYS * DAY_IN_SECONDS )
			),
			ARRAY_A
		);
		$out  = [];
		foreach ( is_array( $rows ) ? $rows : [] as $r ) {
			$out[] = [
				'usage_type' => (string) $r['usage_type'],
				'provider'   => (string) $r['provider'],
				'model'      => (string) $r['model'],
				'uses'       => (int) $r['uses'],
				'credits'    => Activity::sum( $r['credits'] ),
				'last_at'    => (int) strtotime( $r['last_at'] . ' UTC' ),
			];
		}
		set_transient( self::CACHE, $out, self::CACHE_TTL );
		return $out;
	}

	public static function forget(): void {
		delete_transient( self::CACHE );
	}
}
// phpcs:enable
