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
		$t = Tables::terms();
		return $wpdb->prepare( " AND EXISTS (SELECT 1 FROM {$t} ti WHERE ti.term = %s AND ti.log_id = l.id)", $term );
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
	 * Rebuilds the index for log ids in (after, upto] from the rows themselves (upgrade, bulk seed).
	 *
	 * @return int the last log id handled (0 when there was none)
	 */
	public static function rebuild_batch( int $after, int $limit = 2000 ): int {
		global $wpdb;
		$l    = Tables::logs();
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT id, user_message, reply FROM {$l} WHERE id > %d ORDER BY id LIMIT %d", $after, $limit ), ARRAY_A );
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
