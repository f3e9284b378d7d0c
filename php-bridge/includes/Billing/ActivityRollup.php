<?php
namespace AipkitUsage\Billing;

/**
 * Activity figures whose cost does not grow with the number of ledger rows.
 *
 * Every ledger insert adds its amounts to one row of `ledger_rollup` (UTC quarter hour × entry
 * kind) in the same transaction, so the rollup is always complete: no first view ever builds it.
 * Quarter hours fit every UTC offset a site can have (+5:30, +5:45 included); local days are cut
 * at read time, per stretch of constant offset, so a time zone change needs no rebuild.
 * Whole quarter hours of a range come from the rollup, the ragged edges (at most 15 minutes on
 * each side) live from the ledger; a user filter reads the ledger through KEY user_activity.
 * Closed local days are read from the day table instead (ActivityDays, folded from these quarter
 * hours), so a long range costs about what a short one does; quarter_parts() covers the rest.
 * All sums stay in SQL DECIMAL(30+,6); PHP only moves the strings.
 */
// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table and index names are our own (Tables::*), the filters are prepared by kind_sql()/ledger_queries(), every value goes through prepare().
final class ActivityRollup {
	/**
	 * The day sums the cards and the series read, over rollup rows of either grain (quarter hours or
	 * folded days: ActivityDays): credits added, removed (non-usage debits), debited, quota, uncovered.
	 */
	public const DAY_SUMS = "SUM(credit) AS added,
	        SUM(IF(kind = 'usage', 0, debit)) AS removed,
	        SUM(IF(kind = 'usage', debit, 0)) AS debited,
	        SUM(IF(kind = 'usage', quota, 0)) AS quota,
	        SUM(IF(kind = 'usage', quota_only, 0)) AS quota_only,
	        SUM(IF(kind = 'usage', quota_only_entries, 0)) AS quota_only_entries,
	        SUM(IF(kind = 'usage', uncovered, 0)) AS uncovered,
	        SUM(entries) AS entries";

	/** Adds one ledger row's sums to an existing rollup row (quarter hour or folded day: ActivityDays). */
	private const ADD_SUMS = 'ON DUPLICATE KEY UPDATE credit = credit + VALUES(credit), debit = debit + VALUES(debit), quota = quota + VALUES(quota),
	   quota_only = quota_only + VALUES(quota_only), quota_only_entries = quota_only_entries + VALUES(quota_only_entries),
	   uncovered = uncovered + VALUES(uncovered), entries = entries + 1';

	public const BUCKET = 900;

	/**
	 * Rows per quarter hour and kind. Each ledger insert adds to the slot its id falls in, so
	 * concurrent charges (and Galera nodes) do not all queue on one row lock until their COMMIT;
	 * readers sum the slots.
	 */
	public const SLOTS = 16;

	/** What the reader sums per local day (and in the totals row). */
	public const COLUMNS = [ 'added', 'removed', 'debited', 'quota', 'quota_only', 'quota_only_entries', 'uncovered', 'entries' ];

	/**
	 * Adds one ledger row's sums to the row of $table named by $keys (inserted when missing), in the
	 * caller's transaction: the quarter hours here, folded days in ActivityDays::late().
	 *
	 * @param array $keys column => [ placeholder, value ] of the row's unique key
	 * @param array $sums credit, debit, quota, quota_only, quota_only_entries, uncovered (record() computes them)
	 */
	public static function add( string $table, array $keys, array $sums ): void {
		global $wpdb;
		$columns = implode( ', ', array_keys( $keys ) );
		$places  = implode( ', ', array_column( $keys, 0 ) );
		Transaction::query(
			// phpcs:ignore WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- the placeholders of $keys come with their values (spread below).
			$wpdb->prepare(
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table and column names.
				"INSERT INTO $table ($columns, credit, debit, quota, quota_only, quota_only_entries, uncovered, entries)
				 VALUES ($places, %s, %s, %s, %s, %d, %s, 1) " . self::ADD_SUMS,
				...array_merge(
					array_column( $keys, 1 ),
					[ $sums['credit'], $sums['debit'], $sums['quota'], $sums['quota_only'], $sums['quota_only_entries'], $sums['uncovered'] ]
				)
			)
		);
	}

	/**
	 * Adds one ledger row to its quarter hour. Called by Ledger::append inside the caller's
	 * transaction, right after the insert: commits or rolls back with it.
	 *
	 * @param array $row the inserted columns (created_at, kind, amount, quota_amount, uncovered)
	 * @param int   $id  the new ledger id (picks the slot)
	 */
	public static function record( array $row, int $id = 0 ): void {
		$ts     = strtotime( $row['created_at'] . ' UTC' );
		$bucket = gmdate( 'Y-m-d H:i:s', $ts - ( $ts % self::BUCKET ) );
		$amount = (string) $row['amount'];
		$neg    = str_starts_with( $amount, '-' );
		$zero   = Decimal::is_zero( $amount );
		$quota  = (string) ( $row['quota_amount'] ?? '0' );
		$sums   = [
			'credit'             => $neg || $zero ? '0' : $amount,
			'debit'              => $neg ? substr( $amount, 1 ) : '0',
			'quota'              => $quota,
			'quota_only'         => $zero ? $quota : '0',
			'quota_only_entries' => $zero ? 1 : 0,
			'uncovered'          => (string) ( $row['uncovered'] ?? '0' ),
		];
		self::add(
			Tables::ledger_rollup(),
			[
				'bucket' => [ '%s', $bucket ],
				'kind'   => [ '%s', (string) $row['kind'] ],
				'slot'   => [ '%d', $id % self::SLOTS ],
			],
			$sums
		);
		// A back-dated row whose local day is already folded is added to that day too (same transaction).
		ActivityDays::late( $row, $sums );
	}

	/**
	 * Recomputes the whole rollup from the ledger in one transaction (schema upgrade, rows written
	 * by bulk SQL such as imports or benchmarks). INSERT … SELECT share-locks the rows it reads, so a
	 * concurrent ledger insert waits and is then counted once, by its own record().
	 */
	public static function rebuild(): void {
		$l = Tables::ledger();
		$r = Tables::ledger_rollup();
		Transaction::run(
			static function () use ( $l, $r ) {
				Transaction::query( "DELETE FROM $r" );
				Transaction::query(
					"INSERT INTO $r (bucket, kind, credit, debit, quota, quota_only, quota_only_entries, uncovered, entries)
					 SELECT created_at - INTERVAL (MINUTE(created_at) MOD 15 * 60 + SECOND(created_at)) SECOND AS b, kind,
					        SUM(GREATEST(amount, 0)), SUM(GREATEST(-amount, 0)), SUM(quota_amount),
					        SUM(IF(amount = 0, quota_amount, 0)), SUM(amount = 0), SUM(uncovered), COUNT(*)
					 FROM $l GROUP BY b, kind"
				);
				// The day table is derived from the quarter hours: folded again by the cron (or a read).
				ActivityDays::clear();
				return true;
			}
		);
	}

	/**
	 * Per local day sums plus the totals row (key ''), for [from, to) in UTC.
	 *
	 * @param array $r range: from, to ('Y-m-d H:i:s' UTC)
	 * @param array $f filters: kind, user_id
	 * @return array<string,array<string,string>>
	 */
	public static function days( array $r, array $f = [] ): array {
		$utc  = new \DateTimeZone( 'UTC' );
		$from = ( new \DateTimeImmutable( $r['from'], $utc ) )->getTimestamp();
		$to   = ( new \DateTimeImmutable( $r['to'], $utc ) )->getTimestamp();
		if ( ! empty( $f['user_id'] ) ) {
			return self::combine( self::ledger_queries( $from, $to, $f ) );
		}
		return self::combine( ActivityDays::parts( $from, $to, $f ) );
	}

	/**
	 * Prepared SELECTs of (day, COLUMNS…) for [from, to) without the day table: whole quarter hours
	 * from the rollup, the ragged edges from the ledger.
	 *
	 * @return string[]
	 */
	public static function quarter_parts( int $from, int $to, array $f ): array {
		if ( $from >= $to ) {
			return [];
		}
		$a = (int) ( ceil( $from / self::BUCKET ) * self::BUCKET );
		$b = (int) ( floor( $to / self::BUCKET ) * self::BUCKET );
		if ( $a >= $b ) {
			return self::ledger_queries( $from, $to, $f );
		}
		$parts = self::rollup_queries( $a, $b, $f );
		if ( $from < $a ) {
			$parts = array_merge( $parts, self::ledger_queries( $from, $a, $f ) );
		}
		if ( $b < $to ) {
			$parts = array_merge( $parts, self::ledger_queries( $b, $to, $f ) );
		}
		return $parts;
	}

	/** The same figures straight from the ledger (no rollup): the reference the rollup must equal. */
	public static function direct_days( array $r, array $f = [] ): array {
		$utc = new \DateTimeZone( 'UTC' );
		return self::combine( self::ledger_queries( ( new \DateTimeImmutable( $r['from'], $utc ) )->getTimestamp(), ( new \DateTimeImmutable( $r['to'], $utc ) )->getTimestamp(), $f ) );
	}

	/**
	 * [start, end) cut where the site's UTC offset changes: within one piece DATE(t + offset) is
	 * the local day.
	 *
	 * @return array<int,array{0:int,1:int,2:int}> start, end, offset
	 */
	public static function pieces( int $start, int $end ): array {
		$tz          = wp_timezone();
		$cuts        = [ [ $start, (int) $tz->getOffset( new \DateTimeImmutable( '@' . $start ) ) ] ];
		$transitions = $tz->getTransitions( $start, $end );
		foreach ( is_array( $transitions ) ? $transitions : [] as $i => $t ) {
			if ( $i > 0 && $t['ts'] > $start && $t['ts'] < $end ) {
				$cuts[] = [ (int) $t['ts'], (int) $t['offset'] ];
			}
		}
		$out = [];
		foreach ( $cuts as $i => [ $s, $offset ] ) {
			$out[] = [ $s, $cuts[ $i + 1 ][0] ?? $end, $offset ];
		}
		return $out;
	}

	private static function kind_sql( array $f ): string {
		global $wpdb;
		return empty( $f['kind'] ) ? '' : $wpdb->prepare( ' AND kind = %s', $f['kind'] );
	}

	/** @return string[] prepared SELECTs of (day, COLUMNS…) over whole quarter hours of the rollup */
	private static function rollup_queries( int $a, int $b, array $f ): array {
		global $wpdb;
		$t   = Tables::ledger_rollup();
		$out = [];
		foreach ( self::pieces( $a, $b ) as [ $s, $e, $offset ] ) {
			$out[] = $wpdb->prepare(
				'SELECT DATE(bucket + INTERVAL %d SECOND) AS day, ' . self::DAY_SUMS . "
				 FROM $t WHERE bucket >= %s AND bucket < %s" . self::kind_sql( $f ) . ' GROUP BY day',
				$offset,
				gmdate( 'Y-m-d H:i:s', $s ),
				gmdate( 'Y-m-d H:i:s', $e )
			);
		}
		return $out;
	}

	/** @return string[] prepared SELECTs of (day, COLUMNS…) straight from ledger rows */
	private static function ledger_queries( int $a, int $b, array $f ): array {
		global $wpdb;
		$l     = Tables::ledger();
		$where = self::kind_sql( $f );
		$index = 'activity_cover';
		if ( ! empty( $f['user_id'] ) ) {
			$where .= $wpdb->prepare( ' AND user_id = %d', $f['user_id'] );
			$index  = 'user_activity';
		}
		$out = [];
		foreach ( self::pieces( $a, $b ) as [ $s, $e, $offset ] ) {
			$out[] = $wpdb->prepare(
				"SELECT DATE(created_at + INTERVAL %d SECOND) AS day,
				        SUM(GREATEST(amount, 0)) AS added,
				        SUM(IF(kind <> 'usage' AND amount < 0, -amount, 0)) AS removed,
				        SUM(IF(kind = 'usage' AND amount < 0, -amount, 0)) AS debited,
				        SUM(IF(kind = 'usage', quota_amount, 0)) AS quota,
				        SUM(IF(kind = 'usage' AND amount = 0, quota_amount, 0)) AS quota_only,
				        SUM(kind = 'usage' AND amount = 0) AS quota_only_entries,
				        SUM(IF(kind = 'usage', uncovered, 0)) AS uncovered,
				        COUNT(*) AS entries
				 FROM $l FORCE INDEX ($index) WHERE created_at >= %s AND created_at < %s" . $where . ' GROUP BY day',
				$offset,
				gmdate( 'Y-m-d H:i:s', $s ),
				gmdate( 'Y-m-d H:i:s', $e )
			);
		}
		return $out;
	}

	/** Sums the parts per day in SQL (DECIMAL) with the totals row under key ''. */
	private static function combine( array $parts ): array {
		global $wpdb;
		if ( ! $parts ) {
			return [];
		}
		// CAST keeps the sums exact and wide whatever type each part's SUM() came back as.
		$sums = implode( ', ', array_map( static fn( $c ) => "CAST(SUM($c) AS DECIMAL(40,6)) AS $c", self::COLUMNS ) );
		$rows = $wpdb->get_results(
			"SELECT day, $sums FROM (" . implode( ' UNION ALL ', array_map( static fn( $q ) => "($q)", $parts ) ) . ') parts GROUP BY day WITH ROLLUP', // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- parts are prepared above.
			ARRAY_A
		);
		$out  = [];
		foreach ( is_array( $rows ) ? $rows : [] as $x ) {
			$out[ null === $x['day'] ? '' : $x['day'] ] = $x;
		}
		return $out;
	}
}
// phpcs:enable
