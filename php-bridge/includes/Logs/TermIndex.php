<?php
namespace AipkitUsage\Logs;

defined( 'ABSPATH' ) || exit;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables) and prepared values.

/**
 * Side index of the words the FULLTEXT index leaves out because they are too short
 * (fewer than innodb_ft_min_token_size characters: "qx" and "7" of a booking code "QX-7", "42",
 * "ok"), one row (term, log_id) per distinct such word of an exchange's message and reply.
 *
 * Words are cut exactly as InnoDB's tokenizer cuts them (WordMatch::SEPARATORS), so a search word
 * and a text word agree on where words start and end; the table's collation compares them the way
 * the FULLTEXT index does (case and accents ignored). Stopwords are not stored: like FULLTEXT we
 * leave them to the row check. A short search word matches a whole word of the text.
 *
 * Kept in the same transaction as the log row: LogWriter adds, LogDeleter (delete, retention,
 * privacy erasure) removes.
 */
final class TermIndex {
	/** Longest stored term in characters (the column is varchar(32)). */
	public const MAX_TERM = 32;
	/** A pathological text cannot blow one exchange up into thousands of index rows. */
	private const MAX_TERMS_PER_EXCHANGE = 200;

	/**
	 * The words of a text this index holds: shorter than the FULLTEXT minimum, not stopwords.
	 *
	 * @return string[] distinct, lower-cased
	 */
	public static function terms( string ...$texts ): array {
		$cfg = SearchTerms::ft_config();
		$out = [];
		foreach ( $texts as $text ) {
			foreach ( preg_split( '/' . WordMatch::SEPARATORS . '/u', mb_strtolower( $text ), -1, PREG_SPLIT_NO_EMPTY ) as $w ) {
				if ( isset( $out[ $w ] ) || ! self::holds( $w, $cfg ) ) {
					continue;
				}
				$out[ $w ] = true;
				if ( count( $out ) >= self::MAX_TERMS_PER_EXCHANGE ) {
					break 2;
				}
			}
		}
		return array_map( 'strval', array_keys( $out ) );
	}

	/** Whether a (lower-cased) word is one this index holds. */
	public static function holds( string $word, ?array $cfg = null ): bool {
		$cfg ??= SearchTerms::ft_config();
		$len   = mb_strlen( $word );
		return $len > 0 && $len < $cfg['min'] && $len <= self::MAX_TERM && ! isset( $cfg['stop'][ $word ] );
	}

	/** Adds the exchange's terms (inside the caller's transaction). @return bool false on a failed statement */
	public static function add( int $log_id, array $terms ): bool {
		if ( ! $terms ) {
			return true;
		}
		global $wpdb;
		$t    = Tables::terms();
		$vals = [];
		foreach ( $terms as $term ) {
			$vals[] = $wpdb->prepare( '(%s, %d)', $term, $log_id );
		}
		// IGNORE: two words the collation holds equal ("é" and "e") are one entry.
		return false !== $wpdb->query( "INSERT IGNORE INTO {$t} (term, log_id) VALUES " . implode( ',', $vals ) );
	}

	/** Removes the entries of these log ids. @return bool false on a failed statement */
	public static function remove( array $log_ids ): bool {
		if ( ! $log_ids ) {
			return true;
		}
		global $wpdb;
		$t = Tables::terms();
		return false !== $wpdb->query( "DELETE FROM {$t} WHERE log_id IN (" . implode( ',', array_map( 'intval', $log_ids ) ) . ')' );
	}

	/**
	 * " AND …" on logs `l`: the exchange holds $term as a whole word (one primary-key lookup).
	 * This is the condition every path uses (list, count, delete, export), so they all agree.
	 */
	public static function condition( string $term ): string {
		global $wpdb;
		$t      = Tables::terms();
		$exists = $wpdb->prepare( "EXISTS (SELECT 1 FROM {$t} ti WHERE ti.term = %s AND ti.log_id = l.id)", $term );
		$b      = null === Tables::$prefix ? self::backfill_pending() : null;
		if ( $b ) {
			// Rows written before the index existed and not yet indexed: checked against their text.
			$check = substr( WordMatch::condition( $term, true ), 5 );
			return $wpdb->prepare( " AND ({$exists} OR (l.id > %d AND l.id <= %d AND {$check}))", $b['next'], $b['upto'] );
		}
		return ' AND ' . $exists;
	}

	// ------------------------------------------------------------ backfill after the upgrade

	public const BACKFILL_HOOK      = 'aipkit_usage_logs_term_backfill';
	public const BACKFILL_OPTION    = 'aipkit_usage_logs_term_backfill';
	private const BACKFILL_BUDGET_S = 20.0;

	/** Schema upgrade: index the rows that exist now, in the background (WP-Cron, in batches). */
	public static function start_backfill(): void {
		global $wpdb;
		$upto = (int) $wpdb->get_var( 'SELECT COALESCE(MAX(id), 0) FROM ' . Tables::logs() );
		if ( 0 === $upto ) {
			delete_option( self::BACKFILL_OPTION );
			return;
		}
		update_option(
			self::BACKFILL_OPTION,
			[
				'next' => 0,
				'upto' => $upto,
			],
			false
		);
		if ( ! wp_next_scheduled( self::BACKFILL_HOOK ) ) {
			wp_schedule_single_event( time(), self::BACKFILL_HOOK );
		}
	}

	/** @return array{next:int,upto:int}|null what is left to index (ids in (next, upto]) */
	public static function backfill_pending(): ?array {
		$b = get_option( self::BACKFILL_OPTION );
		return is_array( $b ) && isset( $b['next'], $b['upto'] ) && (int) $b['next'] < (int) $b['upto']
			? [
				'next' => (int) $b['next'],
				'upto' => (int) $b['upto'],
			] : null;
	}

	/** Cron: index batches under a time budget; reschedule until done. */
	public static function run_backfill(): void {
		$b = self::backfill_pending();
		if ( ! $b ) {
			delete_option( self::BACKFILL_OPTION );
			return;
		}
		$start = microtime( true );
		$next  = $b['next'];
		while ( $next < $b['upto'] && microtime( true ) - $start < self::BACKFILL_BUDGET_S ) {
			$last = self::rebuild_batch( $next, 2000, $b['upto'] );
			$next = 0 === $last ? $b['upto'] : $last;
			update_option(
				self::BACKFILL_OPTION,
				[
					'next' => $next,
					'upto' => $b['upto'],
				],
				false
			);
		}
		if ( $next < $b['upto'] ) {
			wp_schedule_single_event( time() + 30, self::BACKFILL_HOOK );
		} else {
			delete_option( self::BACKFILL_OPTION );
		}
	}

	/**
	 * How many exchanges hold $term, counted up to $cap: enough to choose the rarest term as the
	 * driver of a search without counting a frequent term's whole posting list.
	 */
	public static function bounded_count( string $term, int $cap = 20000 ): int {
		global $wpdb;
		$t = Tables::terms();
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM (SELECT 1 FROM {$t} WHERE term = %s LIMIT %d) z", $term, $cap ) );
	}

	/**
	 * Indexes log ids in (after, upto] from the rows themselves (upgrade backfill, bulk seed).
	 *
	 * @return int the last log id handled (0 when there was none)
	 */
	public static function rebuild_batch( int $after, int $limit = 2000, int $upto = PHP_INT_MAX ): int {
		global $wpdb;
		$l    = Tables::logs();
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT id, user_message, reply FROM {$l} WHERE id > %d AND id <= %d ORDER BY id LIMIT %d", $after, $upto, $limit ), ARRAY_A );
		if ( ! $rows ) {
			return 0;
		}
		$vals = [];
		foreach ( $rows as $r ) {
			foreach ( self::terms( (string) $r['user_message'], (string) $r['reply'] ) as $term ) {
				$vals[] = $wpdb->prepare( '(%s, %d)', $term, $r['id'] );
			}
		}
		if ( $vals ) {
			$t = Tables::terms();
			foreach ( array_chunk( $vals, 5000 ) as $chunk ) {
				$wpdb->query( "INSERT IGNORE INTO {$t} (term, log_id) VALUES " . implode( ',', $chunk ) );
			}
		}
		return (int) end( $rows )['id'];
	}
}
