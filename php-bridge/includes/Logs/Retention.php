<?php
namespace AipkitUsage\Logs;

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * Auto-delete of old logs from WP-Cron: daily, in batches of 1,000 under a time budget; when the
 * budget runs out it schedules itself again a minute later and carries on. Only the logs and
 * conversations tables are touched — never the ledger.
 */
final class Retention {
	public const HOOK          = 'aipkit_usage_logs_retention';
	public const OPTION        = 'aipkit_usage_logs_retention';
	public const STATUS_OPTION = 'aipkit_usage_logs_retention_status';
	public const PRESETS       = [ 7, 14, 30, 60, 90, 180, 365 ];
	public const MAX_DAYS      = 3650;
	private const BUDGET_S     = 20.0;
	private const RESUME_AFTER = 60;

	public static function settings(): array {
		$s = get_option( self::OPTION, [] );
		return [
			'enabled' => ! empty( $s['enabled'] ),
			'days'    => isset( $s['days'] ) ? (int) $s['days'] : 90,
		];
	}

	public static function status(): array {
		$s = get_option( self::STATUS_OPTION, [] );
		return [
			'last_run' => isset( $s['last_run'] ) ? gmdate( 'Y-m-d\TH:i:s\Z', (int) $s['last_run'] ) : null,
			'removed'  => (int) ( $s['removed'] ?? 0 ),
			'finished' => (bool) ( $s['finished'] ?? true ),
			'next_run' => wp_next_scheduled( self::HOOK ) ? gmdate( 'Y-m-d\TH:i:s\Z', (int) wp_next_scheduled( self::HOOK ) ) : null,
		];
	}

	/** @return array|WP_Error the saved settings */
	public static function save( $enabled, $days ) {
		if ( ! is_bool( $enabled ) && ! in_array( $enabled, [ 0, 1, '0', '1', 'true', 'false' ], true ) ) {
			return new WP_Error(
				'aipkit_invalid_setting',
				__( 'enabled must be true or false.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'enabled',
				]
			);
		}
		$enabled = in_array( $enabled, [ true, 1, '1', 'true' ], true );
		if ( ! ( is_int( $days ) || ( is_string( $days ) && ctype_digit( $days ) ) ) || (int) $days < 1 || (int) $days > self::MAX_DAYS ) {
			return new WP_Error(
				'aipkit_invalid_setting',
				/* translators: %d: the largest number of days allowed. */
				sprintf( __( 'Delete logs older than must be a whole number of days from 1 to %d.', 'aipkit-usage' ), self::MAX_DAYS ),
				[
					'status' => 400,
					'field'  => 'days',
				]
			);
		}
		update_option(
			self::OPTION,
			[
				'enabled' => $enabled,
				'days'    => (int) $days,
			],
			false
		);
		self::schedule();
		return self::settings();
	}

	/** Keeps the daily event in step with the setting. */
	public static function schedule(): void {
		$on   = self::settings()['enabled'];
		$next = wp_next_scheduled( self::HOOK );
		if ( $on && ! $next ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', self::HOOK );
		} elseif ( ! $on && $next ) {
			wp_clear_scheduled_hook( self::HOOK );
		}
	}

	/**
	 * The cron callback.
	 *
	 * @return array|WP_Error {removed, finished, cutoff}
	 */
	public static function run( ?int $now = null, ?float $budget = null ) {
		$s = self::settings();
		if ( ! $s['enabled'] ) {
			return [
				'removed'  => 0,
				'finished' => true,
				'cutoff'   => null,
			];
		}
		$now = $now ?? time();
		$cut = Gateway::instance()->retention_cutoff(
			[
				'now'  => $now,
				'days' => $s['days'],
			]
		);
		if ( is_wp_error( $cut ) ) {
			return $cut;
		}
		$cutoff  = gmdate( 'Y-m-d H:i:s', (int) $cut['cutoff'] );
		$budget  = $budget ?? (float) apply_filters( 'aipkit_usage_logs_retention_budget', self::BUDGET_S );
		$start   = microtime( true );
		$removed = 0;
		$done    = false;
		// At least one batch per run, however small the budget, so a run always makes progress.
		do {
			$n = LogDeleter::purge_before( $cutoff );
			if ( is_wp_error( $n ) ) {
				return $n;
			}
			$removed += $n;
			if ( $n < LogDeleter::BATCH ) {
				$done = true;
				break;
			}
		} while ( microtime( true ) - $start < $budget );
		$prev = get_option( self::STATUS_OPTION, [] );
		// A resumed run adds to the count of the run it continues.
		$total = ( isset( $prev['finished'] ) && ! $prev['finished'] ) ? (int) $prev['removed'] + $removed : $removed;
		update_option(
			self::STATUS_OPTION,
			[
				'last_run' => $now,
				'removed'  => $total,
				'finished' => $done,
			],
			false
		);
		if ( ! $done && ! wp_next_scheduled( self::HOOK, [ 'resume' ] ) ) {
			wp_schedule_single_event( time() + self::RESUME_AFTER, self::HOOK, [ 'resume' ] );
		}
		return [
			'removed'  => $removed,
			'finished' => $done,
			'cutoff'   => (int) $cut['cutoff'],
		];
	}
}
