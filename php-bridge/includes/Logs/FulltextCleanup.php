<?php
namespace AipkitUsage\Logs;

defined( 'ABSPATH' ) || exit;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery.SchemaChange -- SQL holds only our table names (Tables) and prepared values; OPTIMIZE TABLE is the cleanup itself.

/**
 * Keeps InnoDB's list of deleted FULLTEXT doc ids short.
 *
 * Every deleted log row leaves its doc id in the index's `FTS_*_DELETED` table until the index is
 * optimized, and every FULLTEXT query reads that whole list first (measured: ~0.5 µs per deleted id
 * per query, so 450,000 deleted rows cost ~0.25 s on every search that reaches the index). Nothing in
 * InnoDB clears it on its own below 10 million deletes.
 *
 * - Counting: the plugin keeps its own count of rows deleted since the last cleanup (an option
 *   row bumped atomically inside each delete batch's transaction), because reading
 *   `INNODB_FT_DELETED` needs the global `innodb_ft_aux_table` and the PROCESS privilege.
 * - When the count passes THRESHOLD, a WP-Cron event runs the cleanup: `OPTIMIZE TABLE` with
 *   `innodb_optimize_fulltext_only` (index only, in steps of `innodb_ft_num_word_optimize` words;
 *   it does not rebuild the table and does not hold back concurrent log writes — measured by
 *   `bin/bench logs`). Both settings are server globals (SUPER): the job sets them for its own
 *   steps and puts the previous values back.
 * - Without that privilege the only other cleanup InnoDB offers is a table rebuild, and a rebuild
 *   of a table with a FULLTEXT index cannot run with LOCK=NONE (MariaDB/MySQL: "Fulltext index
 *   creation requires a lock"): log writes would wait for the whole rebuild. So it is opt-in
 *   (filter `aipkit_usage_logs_ft_cleanup_rebuild`, for a site that can afford it at night); otherwise the
 *   job records `needs_privilege` and Site Health-style status says what to run.
 */
final class FulltextCleanup {
	public const HOOK          = 'aipkit_usage_logs_ft_cleanup';
	public const STATUS_OPTION = 'aipkit_usage_logs_ft_cleanup';
	/** Deleted rows after which the cleanup is scheduled (~25 ms more on every FULLTEXT query). */
	public const THRESHOLD = 50000;
	/** Words per OPTIMIZE step (the server's maximum). */
	private const WORDS_PER_STEP = 10000;
	private const BUDGET_S       = 20.0;
	private const RESUME_AFTER   = 60;

	/** The option row that counts rows deleted from $table since its last cleanup. */
	private static function counter_name( string $table ): string {
		return 'aipkit_usage_ft_deleted_' . substr( md5( $table ), 0, 12 );
	}

	/**
	 * Adds $n deleted rows to the count (atomic; inside the caller's transaction, so a rolled-back
	 * delete does not count) and schedules the cleanup once the count passes the threshold.
	 */
	public static function note_deleted( int $n ): void {
		if ( $n <= 0 ) {
			return;
		}
		global $wpdb;
		$wpdb->query(
			$wpdb->prepare(
				"INSERT INTO {$wpdb->options} (option_name, option_value, autoload) VALUES (%s, %d, 'no')
				ON DUPLICATE KEY UPDATE option_value = CAST(option_value AS UNSIGNED) + VALUES(option_value)",
				self::counter_name( Tables::logs() ),
				$n
			)
		);
		// The benchmark's own tables (Tables::$prefix) are cleaned by the benchmark, never by the site's cron.
		if ( null === Tables::$prefix && self::pending() >= self::threshold() && ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_single_event( time() + self::RESUME_AFTER, self::HOOK );
		}
	}

	/** Rows deleted from the logs table since its last cleanup (the plugin's own count). */
	public static function pending(): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM {$wpdb->options} WHERE option_name = %s", self::counter_name( Tables::logs() ) ) );
	}

	public static function threshold(): int {
		return max( 1, (int) apply_filters( 'aipkit_usage_logs_ft_cleanup_threshold', self::THRESHOLD ) );
	}

	/** @return array{last_run:?int,method:string,seconds:float,cleared:int,steps:int} */
	public static function status(): array {
		$s = get_option( self::STATUS_OPTION, [] );
		return [
			'last_run' => isset( $s['last_run'] ) ? (int) $s['last_run'] : null,
			'method'   => (string) ( $s['method'] ?? '' ),
			'seconds'  => (float) ( $s['seconds'] ?? 0 ),
			'cleared'  => (int) ( $s['cleared'] ?? 0 ),
			'steps'    => (int) ( $s['steps'] ?? 0 ),
		];
	}

	/**
	 * The cron callback (the benchmark calls it directly). Runs when the count passed the
	 * threshold, or always with $force.
	 *
	 * @return array{method:string,seconds:float,cleared:int,steps:int,finished:bool}
	 *         method: none (below threshold) | optimize | rebuild | needs_privilege
	 */
	public static function run( bool $force = false, ?float $budget = null ): array {
		$pending = self::pending();
		if ( ! $force && $pending < self::threshold() ) {
			return [
				'method'   => 'none',
				'seconds'  => 0.0,
				'cleared'  => 0,
				'steps'    => 0,
				'finished' => true,
			];
		}
		$start  = microtime( true );
		$budget = $budget ?? self::BUDGET_S;
		$r      = self::optimize_index_only( Tables::logs(), $budget );
		if ( null === $r ) {
			$r = (bool) apply_filters( 'aipkit_usage_logs_ft_cleanup_rebuild', false ) && self::rebuild( Tables::logs() )
				? [
					'method'   => 'rebuild',
					'steps'    => 1,
					'finished' => true,
				]
				: [
					'method'   => 'needs_privilege',
					'steps'    => 0,
					'finished' => true,
				];
		}
		$cleared = 0;
		if ( $r['finished'] && 'needs_privilege' !== $r['method'] ) {
			// Rows deleted while the cleanup ran stay counted for the next one.
			global $wpdb;
			$wpdb->query(
				$wpdb->prepare(
					"UPDATE {$wpdb->options} SET option_value = GREATEST(0, CAST(option_value AS SIGNED) - %d) WHERE option_name = %s",
					$pending,
					self::counter_name( Tables::logs() )
				)
			);
			$cleared = $pending;
		}
		$out = [
			'method'   => $r['method'],
			'seconds'  => microtime( true ) - $start,
			'cleared'  => $cleared,
			'steps'    => $r['steps'],
			'finished' => $r['finished'],
		];
		update_option( self::STATUS_OPTION, [ 'last_run' => time() ] + $out, false );
		if ( ! $r['finished'] && null === Tables::$prefix && ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_single_event( time() + self::RESUME_AFTER, self::HOOK );
		}
		return $out;
	}

	/**
	 * OPTIMIZE TABLE on the FULLTEXT index only, in steps, until the deleted list is purged or the
	 * budget runs out. Null when the server does not let us switch `innodb_optimize_fulltext_only`.
	 *
	 * @return array{method:string,steps:int,finished:bool}|null
	 */
	private static function optimize_index_only( string $table, float $budget ): ?array {
		global $wpdb;
		$prev_only  = $wpdb->get_var( 'SELECT @@GLOBAL.innodb_optimize_fulltext_only' );
		$prev_words = $wpdb->get_var( 'SELECT @@GLOBAL.innodb_ft_num_word_optimize' );
		$prev_aux   = $wpdb->get_var( 'SELECT @@GLOBAL.innodb_ft_aux_table' );
		if ( null === $prev_only || null === $prev_words ) {
			return null;
		}
		$quiet = $wpdb->suppress_errors( true );
		$ok    = false !== $wpdb->query( 'SET GLOBAL innodb_optimize_fulltext_only = ON' );
		$wpdb->suppress_errors( $quiet );
		if ( ! $ok ) {
			return null;
		}
		$wpdb->query( $wpdb->prepare( 'SET GLOBAL innodb_ft_num_word_optimize = %d', self::WORDS_PER_STEP ) );
		// How many doc ids wait to be purged (readable with the same privilege; else steps run to the budget).
		$aux_ok   = false !== $wpdb->query( $wpdb->prepare( 'SET GLOBAL innodb_ft_aux_table = %s', DB_NAME . '/' . $table ) );
		$left     = static function () use ( $wpdb, $aux_ok ): ?int {
			if ( ! $aux_ok ) {
				return null;
			}
			$n = $wpdb->get_var( 'SELECT COUNT(*) FROM information_schema.INNODB_FT_DELETED' );
			return null === $n ? null : (int) $n;
		};
		$start    = microtime( true );
		$steps    = 0;
		$finished = false;
		do {
			// One step: the next WORDS_PER_STEP words of the index; the deleted ids are purged once a
			// pass over every word completes.
			$wpdb->get_results( "OPTIMIZE TABLE {$table}" );
			++$steps;
			$n = $left();
			if ( 0 === $n ) {
				$finished = true;
				break;
			}
			// Without a view of the list: steps run for the whole budget, then count as done (the next
			// cleanup carries on where InnoDB's pass stopped).
			$finished = null === $n;
		} while ( microtime( true ) - $start < $budget && $steps < 1000 );
		$wpdb->query( $wpdb->prepare( 'SET GLOBAL innodb_optimize_fulltext_only = %d', (int) ( 'ON' === $prev_only || '1' === (string) $prev_only ) ) );
		$wpdb->query( $wpdb->prepare( 'SET GLOBAL innodb_ft_num_word_optimize = %d', (int) $prev_words ) );
		if ( $aux_ok ) {
			$wpdb->query( null === $prev_aux ? 'SET GLOBAL innodb_ft_aux_table = NULL' : $wpdb->prepare( 'SET GLOBAL innodb_ft_aux_table = %s', $prev_aux ) );
		}
		return [
			'method'   => 'optimize',
			'steps'    => $steps,
			'finished' => $finished,
		];
	}

	/** A full rebuild (clears the list at once; blocks log writes while it runs: opt-in only). */
	private static function rebuild( string $table ): bool {
		global $wpdb;
		return false !== $wpdb->query( "ALTER TABLE {$table} FORCE, ALGORITHM=INPLACE, LOCK=SHARED" );
	}
}
