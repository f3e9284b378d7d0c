<?php
namespace AipkitUsage\Logs;

/**
 * Turns Filters into prepared SQL conditions over log rows (alias `l`) or conversation
 * summaries (alias `c`). Module, bot and user are the same on a conversation and on each of
 * its exchanges (they are part of its key), and last_at is the newest exchange's time, so
 * without a search the conversation table answers the list on its own indexes.
 */
final class LogQuery {
	/**
	 * @param string $search 'scan' = search as row conditions (collation-aware word-start check for
	 *                       indexed words, so both paths match the same rows); 'index' = FULLTEXT for
	 *                       indexed words; 'none' = filters only.
	 * @return string " AND …" prepared conditions on logs l
	 */
	public static function log_where( Filters $f, string $search = 'scan' ): string {
		global $wpdb;
		$sql = '';
		if ( '' !== $f->module ) {
			$sql .= $wpdb->prepare( ' AND l.module = %s', $f->module );
		}
		if ( Filters::BOT_NONE === $f->bot ) {
			$sql .= " AND l.bot_id = ''";
		} elseif ( '' !== $f->bot ) {
			$sql .= $wpdb->prepare( ' AND l.bot_id = %s', $f->bot );
		}
		if ( $f->user_id > 0 ) {
			$sql .= $wpdb->prepare( ' AND l.user_id = %d', $f->user_id );
		}
		if ( null !== $f->cutoff() ) {
			$sql .= $wpdb->prepare( ' AND l.created_at >= %s', $f->cutoff() );
		}
		if ( $f->search && 'none' !== $search ) {
			$sql .= 'index' === $search ? self::search_where( $f->search ) : self::scan_where( $f->search );
		}
		return $sql;
	}

	public static function search_where( SearchTerms $s ): string {
		global $wpdb;
		$sql = '';
		if ( $s->indexed ) {
			$sql .= $wpdb->prepare( ' AND MATCH(l.user_message, l.reply) AGAINST (%s IN BOOLEAN MODE)', $s->boolean_query() );
			// Words left out of the FULLTEXT query (ConversationList::narrow_fulltext) are checked on its rows.
			foreach ( array_diff( $s->indexed, $s->fulltext ?? $s->indexed ) as $w ) {
				$sql .= WordMatch::condition( $w );
			}
		}
		return $sql . self::short_where( $s );
	}

	/**
	 * The same match as the FULLTEXT path, evaluated row by row: indexed words must start a word,
	 * compared with the column's collation exactly as the index compares them (WordMatch); short
	 * words occur anywhere.
	 */
	public static function scan_where( SearchTerms $s ): string {
		$sql = '';
		if ( count( $s->indexed ) > 1 ) {
			// The cheap LIKEs of every word first (MariaDB evaluates them in order): a row without one of
			// the words is rejected before any word-start check runs.
			foreach ( $s->indexed as $w ) {
				$sql .= WordMatch::prefilter( $w );
			}
		}
		foreach ( $s->indexed as $w ) {
			$sql .= WordMatch::condition( $w );
		}
		return $sql . self::short_where( $s );
	}

	/**
	 * Short words, the same on both paths: the TermIndex is exact and per row (a primary-key lookup),
	 * so it is the row check too; words it does not hold occur anywhere.
	 */
	private static function short_where( SearchTerms $s ): string {
		global $wpdb;
		$sql = '';
		foreach ( $s->terms as $w ) {
			$sql .= TermIndex::condition( $w );
		}
		foreach ( $s->short as $w ) {
			$like = '%' . $wpdb->esc_like( $w ) . '%';
			$sql .= $wpdb->prepare( ' AND (l.user_message LIKE %s OR l.reply LIKE %s)', $like, $like );
		}
		return $sql;
	}

	/** @return string " AND …" prepared conditions on conversations c (no search) */
	public static function conversation_where( Filters $f ): string {
		global $wpdb;
		$sql = '';
		if ( '' !== $f->module ) {
			$sql .= $wpdb->prepare( ' AND c.module = %s', $f->module );
		}
		if ( Filters::BOT_NONE === $f->bot ) {
			$sql .= " AND c.bot_id = ''";
		} elseif ( '' !== $f->bot ) {
			$sql .= $wpdb->prepare( ' AND c.bot_id = %s', $f->bot );
		}
		if ( $f->user_id > 0 ) {
			$sql .= $wpdb->prepare( ' AND c.user_id = %d', $f->user_id );
		}
		if ( null !== $f->cutoff() ) {
			$sql .= $wpdb->prepare( ' AND c.last_at >= %s', $f->cutoff() );
		}
		return $sql;
	}
}
