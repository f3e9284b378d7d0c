<?php
namespace AipkitUsage\Billing;

/**
 * Activity per local day of the site's time zone, so that a 90-day view reads about 90 rows per
 * kind instead of ~8,600 quarter hours.
 *
 * The quarter-hour rollup stays the write path (ActivityRollup::record, one upsert per ledger
 * insert). Closed local days are folded from it into `ledger_days` (zone × local day × kind) by the
 * 5-minute cron and, bounded, by a read that meets an unfolded closed day. Every folded day has a
 * marker row (kind '') so "folded" is a fact in the database, checked with a locking read:
 *  - a ledger row written into an already folded day (back-dated entry, import through the ledger)
 *    is added to that day in the insert's own transaction (late());
 *  - the fold reads the quarter hours with locking reads before it writes the markers, and late()
 *    locks the quarter hour before it reads the marker, so a row is counted by exactly one of them;
 *  - a day is folded only GRACE after it closed, so a transaction that still writes into it (its
 *    process thought the day open) has long committed.
 * The zone is part of the key: after a time zone change the rows of the old zone no longer match,
 * are deleted, and the days are folded again from the quarter hours (never from the ledger) in
 * bounded batches; until then reads use the quarter hours (exact, just slower).
 */
// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table names are our own (Tables::*), every value goes through prepare().
final class ActivityDays {
	public const FOLD_HOOK = 'aipkit_usage_fold_activity';

	/** Seconds after a local day closes before it is folded (late commits, clocks of other processes). */
	public const GRACE = HOUR_IN_SECONDS;

	/** Days one read may fold before answering; the rest of a gap is read from the quarter hours. */
	public const READ_FOLD_DAYS = 7;

	/** Days one cron run folds (it reschedules itself while more remain). */
	public const CRON_FOLD_DAYS = 92;

	/** Days per fold transaction: keeps the share locks on the quarter hours short. */
	private const CHUNK_DAYS = 7;

	private const MARK = '';

	/** The key of the site zone the day rows are cut in ('Europe/Berlin', '+05:45'). */
	public static function zone(): string {
		return wp_timezone_string();
	}

	/** Start (Unix) of the local day that contains $ts. */
	public static function midnight( int $ts, ?\DateTimeZone $tz = null ): int {
		return ( new \DateTimeImmutable( '@' . $ts ) )->setTimezone( $tz ?? wp_timezone() )->setTime( 0, 0 )->getTimestamp();
	}

	/** Local days before this day (exclusive, Y-m-d) may be folded at $now. */
	private static function fold_limit( int $now, \DateTimeZone $tz ): string {
		return ( new \DateTimeImmutable( '@' . self::midnight( $now - self::GRACE, $tz ) ) )->setTimezone( $tz )->format( 'Y-m-d' );
	}

	/**
	 * Ledger::append → ActivityRollup::record → here, inside the insert's transaction, after the
	 * quarter hour was upserted (lock order: quarter hour, then day). A row of today (the normal
	 * case) returns at once: today is never folded.
	 *
	 * @param array $row  the ledger columns (created_at, kind)
	 * @param array $sums credit, debit, quota, quota_only, quota_only_entries, uncovered as record() computed them
	 */
	public static function late( array $row, array $sums ): void {
		global $wpdb;
		$ts = strtotime( $row['created_at'] . ' UTC' );
		$tz = wp_timezone();
		if ( $ts >= self::midnight( Clock::current()->now(), $tz ) ) {
			return;
		}
		$t    = Tables::ledger_days();
		$zone = self::zone();
		$day  = ( new \DateTimeImmutable( '@' . $ts ) )->setTimezone( $tz )->format( 'Y-m-d' );
		// Locking read: waits for a fold of this day that is under way, then sees its marker.
		$folded = Transaction::value( $wpdb->prepare( "SELECT 1 FROM $t WHERE zone = %s AND day = %s AND kind = %s LOCK IN SHARE MODE", $zone, $day, self::MARK ) );
		if ( null === $folded ) {
			return;
		}
		ActivityRollup::add(
			$t,
			[
				'zone' => [ '%s', $zone ],
				'day'  => [ '%s', $day ],
				'kind' => [ '%s', (string) $row['kind'] ],
			],
			$sums
		);
	}

	/**
	 * Prepared SELECTs of (day, ActivityRollup::COLUMNS…) for [from, to): folded whole local days
	 * from the day table, everything else (ragged first day, today, unfolded days) through
	 * ActivityRollup::quarter_parts(). A read folds at most READ_FOLD_DAYS missing closed days.
	 *
	 * @return string[]
	 */
	public static function parts( int $from, int $to, array $f ): array {
		$tz   = wp_timezone();
		$days = [];
		for ( $d = ( new \DateTimeImmutable( '@' . self::midnight( $from, $tz ) ) )->setTimezone( $tz ); ; $d = $d->modify( 'tomorrow' ) ) {
			$start = $d->getTimestamp();
			$end   = $d->modify( 'tomorrow' )->getTimestamp();
			if ( $end > $to ) {
				break;
			}
			if ( $start >= $from ) {
				$days[ $d->format( 'Y-m-d' ) ] = [ $start, $end ];
			}
		}
		if ( ! $days ) {
			return ActivityRollup::quarter_parts( $from, $to, $f );
		}
		$names  = array_keys( $days );
		$folded = self::folded( $names[0], end( $names ) );
		$limit  = self::fold_limit( Clock::current()->now(), $tz );
		$gaps   = array_values( array_filter( $names, static fn( $day ) => ! isset( $folded[ $day ] ) && $day < $limit ) );
		if ( $gaps && self::fold_days( array_slice( $gaps, 0, self::READ_FOLD_DAYS ), false ) ) {
			$folded = self::folded( $names[0], end( $names ) );
		}
		// Runs of folded / unfolded days, in order.
		$runs = [];
		foreach ( $days as $day => [ $start, $end ] ) {
			$is  = isset( $folded[ $day ] );
			$key = array_key_last( $runs );
			if ( null !== $key && $runs[ $key ]['folded'] === $is ) {
				$runs[ $key ]['last'] = $day;
				$runs[ $key ]['end']  = $end;
				continue;
			}
			$runs[] = [
				'folded' => $is,
				'first'  => $day,
				'last'   => $day,
				'start'  => $start,
				'end'    => $end,
			];
		}
		$first = $runs[0]['start'];
		$last  = $runs[ count( $runs ) - 1 ]['end'];
		$parts = $from < $first ? ActivityRollup::quarter_parts( $from, $first, $f ) : [];
		foreach ( $runs as $run ) {
			$parts = array_merge( $parts, $run['folded'] ? [ self::day_query( $run['first'], $run['last'], $f ) ] : ActivityRollup::quarter_parts( $run['start'], $run['end'], $f ) );
		}
		return $last < $to ? array_merge( $parts, ActivityRollup::quarter_parts( $last, $to, $f ) ) : $parts;
	}

	/** @return array<string,true> folded days of the current zone in [first, last] */
	private static function folded( string $first, string $last ): array {
		global $wpdb;
		$t = Tables::ledger_days();
		return array_fill_keys( (array) $wpdb->get_col( $wpdb->prepare( "SELECT day FROM $t FORCE INDEX (zone_kind_day) WHERE zone = %s AND kind = %s AND day >= %s AND day <= %s", self::zone(), self::MARK, $first, $last ) ), true );
	}

	private static function day_query( string $first, string $last, array $f ): string {
		global $wpdb;
		$t    = Tables::ledger_days();
		$kind = empty( $f['kind'] ) ? '' : $wpdb->prepare( ' AND kind = %s', $f['kind'] );
		// Marker rows (kind '') hold zeros: summing them changes nothing.
		return $wpdb->prepare(
			'SELECT day, ' . ActivityRollup::DAY_SUMS . "
			 FROM $t WHERE zone = %s AND day >= %s AND day <= %s$kind GROUP BY day",
			self::zone(),
			$first,
			$last
		);
	}

	/**
	 * Folds closed days that have no marker yet, oldest first, at most $max_days (cron, schema
	 * upgrade, benchmark). Also deletes rows of other zones left by a time zone change.
	 *
	 * @return int days still unfolded after this run (0 = done)
	 */
	public static function fold( int $max_days = self::CRON_FOLD_DAYS ): int {
		global $wpdb;
		$t = Tables::ledger_days();
		$wpdb->query( $wpdb->prepare( "DELETE FROM $t WHERE zone <> %s LIMIT 20000", self::zone() ) );
		$oldest = $wpdb->get_var( 'SELECT MIN(bucket) FROM ' . Tables::ledger_rollup() );
		if ( null === $oldest ) {
			return 0;
		}
		$tz     = wp_timezone();
		$limit  = self::fold_limit( Clock::current()->now(), $tz );
		$first  = ( new \DateTimeImmutable( $oldest, new \DateTimeZone( 'UTC' ) ) )->setTimezone( $tz );
		$folded = self::folded( $first->format( 'Y-m-d' ), $limit );
		$todo   = [];
		$d      = $first->setTime( 0, 0 );
		$day    = $d->format( 'Y-m-d' );
		while ( $day < $limit ) {
			if ( ! isset( $folded[ $day ] ) ) {
				$todo[] = $day;
			}
			$d   = $d->modify( 'tomorrow' );
			$day = $d->format( 'Y-m-d' );
		}
		if ( ! $todo ) {
			return 0;
		}
		self::fold_days( array_slice( $todo, 0, $max_days ), true );
		return max( 0, count( $todo ) - $max_days );
	}

	/** Cron: one bounded batch; again in a minute while days remain (after a zone change). */
	public static function cron(): void {
		if ( self::fold() > 0 && ! wp_next_scheduled( self::FOLD_HOOK ) ) {
			wp_schedule_single_event( time() + MINUTE_IN_SECONDS, self::FOLD_HOOK );
		}
	}

	/**
	 * timezone_string / gmt_offset changed: rows cut in the old zone no longer apply. Reads use the
	 * quarter hours until the days are folded again (the fold starts at once, in bounded batches).
	 */
	public static function zone_changed(): void {
		global $wpdb;
		$lock = self::lock_name();
		// Waits for a fold under way (it may still write rows of the old zone), then clears them.
		$got = '1' === (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, 10)', $lock ) );
		try {
			$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . Tables::ledger_days() . ' WHERE zone <> %s', self::zone() ) );
		} finally {
			if ( $got ) {
				$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $lock ) );
			}
		}
		if ( ! wp_next_scheduled( self::FOLD_HOOK ) ) {
			wp_schedule_single_event( time(), self::FOLD_HOOK );
		}
	}

	/** Empties the day table (the quarter hours were rebuilt): everything is folded again. */
	public static function clear(): void {
		Transaction::query( 'DELETE FROM ' . Tables::ledger_days() );
	}

	private static function lock_name(): string {
		return 'aipkit_usage_fold_' . Tables::ledger_days();
	}

	/**
	 * Folds the given days (ascending, Y-m-d, each without a marker) in transactions of at most
	 * CHUNK_DAYS contiguous days. One fold at a time per table (GET_LOCK); $wait false = give up
	 * at once when another process is folding (a read then uses the quarter hours).
	 *
	 * @return bool whether anything was folded
	 */
	private static function fold_days( array $days, bool $wait ): bool {
		global $wpdb;
		if ( ! $days ) {
			return false;
		}
		$lock = self::lock_name();
		if ( '1' !== (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, %d)', $lock, $wait ? 30 : 0 ) ) ) {
			return false;
		}
		try {
			$zone = self::zone();
			// Under the lock: another process may have folded some of them meanwhile.
			$done = self::folded( $days[0], end( $days ) );
			$runs = [];
			$prev = null;
			foreach ( $days as $day ) {
				if ( isset( $done[ $day ] ) ) {
					$prev = null;
					continue;
				}
				$key = array_key_last( $runs );
				if ( null !== $prev && null !== $key && gmdate( 'Y-m-d', strtotime( $prev . ' +1 day UTC' ) ) === $day && count( $runs[ $key ] ) < self::CHUNK_DAYS ) {
					$runs[ $key ][] = $day;
				} else {
					$runs[] = [ $day ];
				}
				$prev = $day;
			}
			foreach ( $runs as $run ) {
				$ok = Transaction::run( static fn() => self::fold_run( $run, $zone ) );
				if ( is_wp_error( $ok ) ) {
					return false;
				}
			}
			return (bool) $runs;
		} finally {
			$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $lock ) );
		}
	}

	/** One transaction: the quarter hours of contiguous local days (locking reads), then their rows and markers. */
	private static function fold_run( array $run, string $zone ): bool {
		global $wpdb;
		$t     = Tables::ledger_days();
		$r     = Tables::ledger_rollup();
		$tz    = wp_timezone();
		$start = \DateTimeImmutable::createFromFormat( '!Y-m-d', $run[0], $tz );
		$end   = \DateTimeImmutable::createFromFormat( '!Y-m-d', end( $run ), $tz )->modify( 'tomorrow' );
		foreach ( ActivityRollup::pieces( $start->getTimestamp(), $end->getTimestamp() ) as [ $s, $e, $offset ] ) {
			// INSERT … SELECT share-locks the quarter hours it reads: a late row of these days waits
			// for this commit and then finds the markers (late()), or was committed and is read here.
			Transaction::query(
				$wpdb->prepare(
					"INSERT INTO $t (zone, day, kind, credit, debit, quota, quota_only, quota_only_entries, uncovered, entries)
					 SELECT %s, DATE(bucket + INTERVAL %d SECOND) AS d, kind, SUM(credit), SUM(debit), SUM(quota), SUM(quota_only),
					        SUM(quota_only_entries), SUM(uncovered), SUM(entries)
					 FROM $r WHERE bucket >= %s AND bucket < %s GROUP BY d, kind
					 ON DUPLICATE KEY UPDATE $t.credit = $t.credit + VALUES(credit), $t.debit = $t.debit + VALUES(debit), $t.quota = $t.quota + VALUES(quota),
					   $t.quota_only = $t.quota_only + VALUES(quota_only), $t.quota_only_entries = $t.quota_only_entries + VALUES(quota_only_entries),
					   $t.uncovered = $t.uncovered + VALUES(uncovered), $t.entries = $t.entries + VALUES(entries)",
					$zone,
					$offset,
					gmdate( 'Y-m-d H:i:s', $s ),
					gmdate( 'Y-m-d H:i:s', $e )
				)
			);
		}
		$marks = implode( ', ', array_map( static fn( $day ) => $wpdb->prepare( '(%s, %s, %s)', $zone, $day, self::MARK ), $run ) );
		Transaction::query( "INSERT INTO $t (zone, day, kind) VALUES $marks" );
		return true;
	}
}
// phpcs:enable
