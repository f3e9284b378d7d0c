<?php
namespace AipkitUsage\Billing;

/**
 * Schema 7: quota counters carry `period_end`, so authorize can lock the rows that may be current
 * without knowing the period key (Quotas::lock_candidates). Rows written before it have none.
 */
final class CounterPeriodEnds {
	/**
	 * Gives every older periodic row an end no earlier than its real one: the row was last written
	 * inside its period, and no period (a month) lasts more than 31 days plus an offset change, so
	 * 33 days after that write is safely late. A late end only keeps a past row among the locked
	 * candidates a little longer; the core still picks the current row by its key. 'all' rows never end.
	 */
	public static function backfill( ?string $table = null ): void {
		global $wpdb;
		$table ??= Tables::counters();
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery -- table name from Tables (or the caller's scratch copy), no input
		$wpdb->query( "UPDATE $table SET period_end = UNIX_TIMESTAMP(updated_at) + 33 * 86400 WHERE period_key <> 'all' AND period_end IS NULL" );
	}
}
