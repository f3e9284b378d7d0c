<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Rest\Billing as Rest;

/**
 * Boots billing: REST controllers, the hold sweeper (custom 5-minute cron schedule) and the
 * Site Health reconcile test.
 */
final class Module {
	public const SWEEP_HOOK = 'aipkit_usage_sweep_holds';

	public function register(): void {
		foreach ( [ Rest\PricingController::class, Rest\QuotasController::class, Rest\BalancesController::class, Rest\ActivityController::class, Rest\ReconcileController::class, Rest\UsersController::class, Rest\UnruledModelsController::class ] as $c ) {
			( new $c() )->register();
		}
		add_filter( 'cron_schedules', [ self::class, 'schedules' ] ); // phpcs:ignore WordPress.WP.CronInterval.CronSchedulesInterval -- expired holds must be released within minutes (see schedules()).
		add_action( self::SWEEP_HOOK, [ self::class, 'sweep' ] );
		add_action( ActivityDays::FOLD_HOOK, [ ActivityDays::class, 'cron' ] );
		foreach ( [ 'timezone_string', 'gmt_offset' ] as $option ) {
			add_action( "update_option_$option", [ ActivityDays::class, 'zone_changed' ], 10, 0 );
			add_action( "add_option_$option", [ ActivityDays::class, 'zone_changed' ], 10, 0 );
		}
		add_action( 'init', [ self::class, 'schedule' ] );
		add_filter( 'site_status_tests', [ self::class, 'health_tests' ] );
	}

	public static function schedules( $schedules ) {
		// Held credits are unavailable until released: expired holds must come back within minutes, not
		// a quarter of an hour (a subject's own expired holds are also released on its next request).
		$schedules['aipkit_five_minutes'] = [
			'interval' => 5 * MINUTE_IN_SECONDS,
			'display'  => __( 'Every 5 minutes (AI Puffer holds)', 'aipkit-usage' ),
		];
		return $schedules;
	}

	public static function schedule(): void {
		if ( ! wp_next_scheduled( self::SWEEP_HOOK ) ) {
			wp_schedule_event( time() + 5 * MINUTE_IN_SECONDS, 'aipkit_five_minutes', self::SWEEP_HOOK );
		}
	}

	public static function sweep(): void {
		// Bounded per run; the next run continues.
		Metering::sweep( 1000 );
		// Activity: fold the local days that closed since the last run (bounded; see ActivityDays).
		ActivityDays::cron();
	}

	public static function health_tests( $tests ) {
		$tests['direct']['aipkit_usage_ledger'] = [
			'label' => __( 'AI Puffer balances match the ledger', 'aipkit-usage' ),
			'test'  => [ self::class, 'health_reconcile' ],
		];
		return $tests;
	}

	public static function health_reconcile(): array {
		$r      = Reconciler::run();
		$ok     = ! is_wp_error( $r ) && $r['ok'];
		$detail = is_wp_error( $r ) ? $r->get_error_message() : sprintf(
			/* translators: 1: balances checked, 2: mismatching balances, 3: held mismatches, 4: negative counters */
			__( 'Checked %1$d balances: %2$d differ from their ledger sum, %3$d held amounts differ from open holds, %4$d negative amounts.', 'aipkit-usage' ),
			$r['checked'],
			count( $r['mismatches'] ),
			count( $r['held_mismatches'] ),
			$r['negative_counters']
		);
		return [
			'label'       => $ok ? __( 'AI Puffer balances match the ledger', 'aipkit-usage' ) : __( 'AI Puffer balances differ from the ledger', 'aipkit-usage' ),
			'status'      => $ok ? 'good' : 'critical',
			'badge'       => [
				'label' => __( 'AI Puffer Usage', 'aipkit-usage' ),
				'color' => $ok ? 'blue' : 'red',
			],
			'description' => '<p>' . esc_html( $detail ) . '</p>',
			'actions'     => '',
			'test'        => 'aipkit_usage_ledger',
		];
	}
}
