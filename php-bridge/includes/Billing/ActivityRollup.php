<?php
namespace AipkitUsage\Billing;

/**
 * Activity figures whose cost does not grow with the length of the range.
 *
 * Local days (site time zone) that ended more than SETTLE seconds ago are final: the ledger is
 * append-only and rows are stamped with their insert time, so such a day can never change again.
 * Their sums are computed once, on first demand, from the ledger (a plain consistent read: no
 * locks, so the charge path never waits for it) and kept in `ledger_daily`, keyed by the time
 * zone they were cut in. The open edges of a range (the partial first day, today, the last hour)
 * are read live. All sums stay in SQL DECIMAL; PHP only moves the strings.
 */
final class ActivityRollup {
	/** A day is final once it ended this long ago (covers transactions that commit late). */
	public const SETTLE = HOUR_IN_SECONDS;

	private const COLUMNS = [ 'added', 'debited', 'quota', 'quota_only', 'quota_only_entries', 'uncovered', 'entries' ];

	/** Identity of the day boundaries: the site time zone as WordPress names it. */
	public static function tz_key(): string {
		return substr( wp_timezone_string(), 0, 64 );
	}

	/**
	 * Per-day rows (day => sums) plus the totals row (key ''), for [from, to) in UTC.
	 *
	 * @return array<string,array<string,string>>
	 */
	public static function days( array $r, ?int $now = null ): array {
		global $wpdb;
		$now   = $now ?? (int) apply_filters( 'aipkit_usage_now', time() );
		$tz    = wp_timezone();
		$utc   = new \DateTimeZone( 'UTC' );
		$from  = new \DateTimeImmutable( $r['from'], $utc );
		$to    = new \DateTimeImmutable( $r['to'], $utc );
		$first = $from->setTimezone( $tz )->setTime( 0, 0 );
		if ( $first < $from ) {
			$first = $first->modify( 'tomorrow' );
		}
		$limit = min( $to->getTimestamp(), $now - self::SETTLE );
		$last  = ( new \DateTimeImmutable( '@' . $limit ) )->setTimezone( $tz )->setTime( 0, 0 );
		if ( $last->getTimestamp() > $limit ) {
			$last = $last->modify( 'yesterday' );
		}
		$parts = [];
		if ( $last > $first ) {
			self::fill( $first, $last );
			$parts[] = $wpdb->prepare(
				'SELECT day, ' . implode( ', ', self::COLUMNS ) . ' FROM ' . Tables::ledger_daily() . ' WHERE tz = %s AND day >= %s AND day < %s',
				self::tz_key(),
				$first->format( 'Y-m-d' ),
				$last->format( 'Y-m-d' )
			);
			$live    = [ [ $from, $first ], [ $last, $to ] ];
		} else {
			$live = [ [ $from, $to ] ];
		}
		foreach ( $live as [ $a, $b ] ) {
			if ( $a < $b ) {
				$parts = array_merge( $parts, self::segment_queries( $a, $b ) );
			}
		}
		return self::combine( $parts, true );
	}

	/** The same figures straight from the ledger (no rollup): the reference the rollup must equal. */
	public static function direct_days( array $r ): array {
		$utc = new \DateTimeZone( 'UTC' );
		return self::combine( self::segment_queries( new \DateTimeImmutable( $r['from'], $utc ), new \DateTimeImmutable( $r['to'], $utc ) ), true );
	}

	/** Drops rollups cut in another time zone (hooked to the time zone options). */
	public static function forget_other_zones(): void {
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . Tables::ledger_daily() . ' WHERE tz <> %s', self::tz_key() ) );
	}

	/** Computes and stores the final days in [first, last) that have no rollup row yet. */
	private static function fill( \DateTimeImmutable $first, \DateTimeImmutable $last ): void {
		global $wpdb;
		$table = Tables::ledger_daily();
		$key   = self::tz_key();
		$have  = array_flip(
			$wpdb->get_col( $wpdb->prepare( "SELECT day FROM $table WHERE tz = %s AND day >= %s AND day < %s", $key, $first->format( 'Y-m-d' ), $last->format( 'Y-m-d' ) ) ) ?: []
		);
		$runs  = [];
		$run   = null;
		for ( $d = $first; $d < $last; $d = $d->modify( 'tomorrow' ) ) {
			if ( isset( $have[ $d->format( 'Y-m-d' ) ] ) ) {
				$run = null;
				continue;
			}
			if ( null === $run ) {
				$runs[] = [ $d, $d ];
				$run    = count( $runs ) - 1;
			}
			$runs[ $run ][1] = $d->modify( 'tomorrow' );
		}
		$stamp = gmdate( 'Y-m-d H:i:s' );
		foreach ( $runs as [ $a, $b ] ) {
			$sums   = self::combine( self::segment_queries( $a, $b ), false );
			$values = [];
			for ( $d = $a; $d < $b; $d = $d->modify( 'tomorrow' ) ) {
				$day = $d->format( 'Y-m-d' );
				$x   = $sums[ $day ] ?? array_fill_keys( self::COLUMNS, '0' );
				$row = [ $key, $day ];
				foreach ( self::COLUMNS as $c ) {
					$row[] = (string) $x[ $c ];
				}
				$row[]    = $stamp;
				$values[] = $wpdb->prepare( '(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)', $row );
			}
			foreach ( array_chunk( $values, 200 ) as $chunk ) {
				// IGNORE: a concurrent request may have stored the same final day; both computed the same sums.
				$wpdb->query( "INSERT IGNORE INTO $table (tz, day, " . implode( ', ', self::COLUMNS ) . ', computed_at) VALUES ' . implode( ', ', $chunk ) );
			}
		}
	}

	/**
	 * One aggregate per stretch of constant UTC offset: DATE(created_at + offset) is the local day
	 * only while the offset holds, so the range is cut at the zone's transitions (DST).
	 *
	 * @return string[] prepared SELECTs of (day, sums…) grouped by day
	 */
	private static function segment_queries( \DateTimeImmutable $a, \DateTimeImmutable $b ): array {
		global $wpdb;
		$l     = Tables::ledger();
		$tz    = wp_timezone();
		$start = $a->getTimestamp();
		$end   = $b->getTimestamp();
		$cuts  = [ [ $start, (int) $tz->getOffset( $a ) ] ];
		foreach ( $tz->getTransitions( $start, $end ) ?: [] as $i => $t ) {
			if ( $i > 0 && $t['ts'] > $start && $t['ts'] < $end ) {
				$cuts[] = [ (int) $t['ts'], (int) $t['offset'] ];
			}
		}
		$out = [];
		foreach ( $cuts as $i => [ $s, $offset ] ) {
			$e     = $cuts[ $i + 1 ][0] ?? $end;
			$out[] = $wpdb->prepare(
				"SELECT DATE(created_at + INTERVAL %d SECOND) AS day,
				        SUM(CASE WHEN kind = 'purchase' OR (kind = 'admin_adjustment' AND amount > 0) THEN amount ELSE 0 END) AS added,
				        SUM(CASE WHEN kind = 'usage' THEN -amount ELSE 0 END) AS debited,
				        SUM(CASE WHEN kind = 'usage' THEN quota_amount ELSE 0 END) AS quota,
				        SUM(CASE WHEN kind = 'usage' AND amount = 0 THEN quota_amount ELSE 0 END) AS quota_only,
				        SUM(kind = 'usage' AND amount = 0) AS quota_only_entries,
				        SUM(CASE WHEN kind = 'usage' THEN uncovered ELSE 0 END) AS uncovered,
				        COUNT(*) AS entries
				 FROM $l FORCE INDEX (activity_cover) WHERE created_at >= %s AND created_at < %s
				 GROUP BY day",
				$offset,
				gmdate( 'Y-m-d H:i:s', $s ),
				gmdate( 'Y-m-d H:i:s', $e )
			);
		}
		return $out;
	}

	/** Sums the parts per day in SQL (DECIMAL), with the totals row under key '' when asked. */
	private static function combine( array $parts, bool $totals ): array {
		global $wpdb;
		if ( ! $parts ) {
			return [];
		}
		$sums = implode( ', ', array_map( static fn( $c ) => "SUM($c) AS $c", self::COLUMNS ) );
		$rows = $wpdb->get_results(
			"SELECT day, $sums FROM (" . implode( ' UNION ALL ', array_map( static fn( $q ) => "($q)", $parts ) ) . ') parts GROUP BY day' . ( $totals ? ' WITH ROLLUP' : '' ),
			ARRAY_A
		) ?: [];
		$out  = [];
		foreach ( $rows as $x ) {
			$out[ null === $x['day'] ? '' : $x['day'] ] = $x;
		}
		return $out;
	}
}
