<?php
namespace AipkitUsage\Logs;

/**
 * Turns Filters into prepared SQL conditions over log rows (alias `l`) or conversation
 * summaries (alias `c`). Module, bot and user are the same on a conversation and on each of
 * its exchanges (they are part of its key), and last_at is the newest exchange's time, so
 * without a search the conversation table answers the list on its own indexes.
 */
final class LogQuery {
	/** @return string " AND …" prepared conditions on logs l (search included) */
	public static function log_where( Filters $f, bool $with_search = true ): string {
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
		if ( $with_search && $f->search ) {
			$sql .= self::search_where( $f->search );
		}
		return $sql;
	}

	public static function search_where( SearchTerms $s ): string {
		global $wpdb;
		$sql = '';
		if ( $s->indexed ) {
			$sql .= $wpdb->prepare( ' AND MATCH(l.user_message, l.reply) AGAINST (%s IN BOOLEAN MODE)', $s->boolean_query() );
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

	/** Only FULLTEXT-served or filter-only queries may scan everything in one statement. */
	public static function needs_windowed_scan( Filters $f ): bool {
		return $f->search && ! $f->search->indexed;
	}
}
