<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and conditions built with prepare().

use WP_Error;

/**
 * Deletes log rows in bounded batches (≤ 1,000 primary keys per DELETE, one short transaction each)
 * and keeps the conversation summaries exact: the touched summaries are locked, the rows deleted,
 * and each summary recomputed from its remaining rows (or removed when none remain).
 *
 * The summary lock is the same row lock LogWriter's upsert takes, so a concurrent write to the same
 * conversation waits for one batch at most and is never lost from the totals.
 */
final class LogDeleter {
	public const BATCH = 1000;

	/**
	 * What a delete with these filters would remove. `max_id` pins the set: rows written after the
	 * count are not deleted by the batches that follow it.
	 */
	public static function count( Filters $f ): array {
		global $wpdb;
		$l      = Tables::logs();
		$max_id = (int) $wpdb->get_var( "SELECT COALESCE(MAX(id), 0) FROM {$l}" );
		$row    = $wpdb->get_row(
			"SELECT COUNT(*) AS n, COUNT(DISTINCT l.conversation_id) AS c FROM {$l} l WHERE l.id <= {$max_id}" . LogQuery::log_where( $f ),
			ARRAY_A
		);
		return [
			'exchanges'     => (int) $row['n'],
			'conversations' => (int) $row['c'],
			'max_id'        => $max_id,
		];
	}

	/**
	 * One batch of a delete by filters, walking ids upwards from $after (exclusive) to $max_id.
	 *
	 * @return array{deleted:int,last_id:int,done:bool}|WP_Error
	 */
	public static function batch( Filters $f, int $max_id, int $after, int $limit = self::BATCH ) {
		global $wpdb;
		$l    = Tables::logs();
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT l.id, l.conversation_id FROM {$l} l WHERE l.id > %d AND l.id <= %d", $after, $max_id ) .
			LogQuery::log_where( $f ) .
			$wpdb->prepare( ' ORDER BY l.id LIMIT %d', $limit ),
			ARRAY_A
		);
		if ( ! $rows ) {
			return [
				'deleted' => 0,
				'last_id' => $max_id,
				'done'    => true,
			];
		}
		$deleted = self::delete_rows( $rows );
		if ( is_wp_error( $deleted ) ) {
			return $deleted;
		}
		$last = (int) end( $rows )['id'];
		return [
			'deleted' => $deleted,
			'last_id' => $last,
			'done'    => count( $rows ) < $limit,
		];
	}

	/** Retention: the oldest rows first, along KEY(created_at, id). @return int|WP_Error */
	public static function purge_before( string $cutoff_utc, int $limit = self::BATCH ) {
		global $wpdb;
		$l    = Tables::logs();
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT id, conversation_id FROM {$l} WHERE created_at < %s ORDER BY created_at, id LIMIT %d", $cutoff_utc, $limit ),
			ARRAY_A
		);
		return $rows ? self::delete_rows( $rows ) : 0;
	}

	/**
	 * @param array $rows [{id, conversation_id}]
	 * @return int|WP_Error rows deleted
	 */
	public static function delete_rows( array $rows ) {
		global $wpdb;
		$l    = Tables::logs();
		$c    = Tables::conversations();
		$ids  = implode( ',', array_map( 'intval', array_column( $rows, 'id' ) ) );
		$cids = array_values( array_unique( array_map( 'intval', array_column( $rows, 'conversation_id' ) ) ) );
		sort( $cids );
		$cin = implode( ',', $cids );

		$own_tx = ! (int) $wpdb->get_var( 'SELECT @@in_transaction' );
		if ( $own_tx ) {
			$wpdb->query( 'START TRANSACTION' );
		}
		$fail = static function () use ( $wpdb, $own_tx ) {
			if ( $own_tx ) {
				$wpdb->query( 'ROLLBACK' );
			}
			return new WP_Error( 'aipkit_delete_failed', __( 'Deleting logs failed: ', 'aipkit-usage' ) . $wpdb->last_error, [ 'status' => 500 ] );
		};
		// Lock the summaries (in id order, so two deleters cannot deadlock) before touching their rows.
		$convs = $wpdb->get_results( "SELECT id, conversation_key, module, bot_id, user_id, guest_key FROM {$c} WHERE id IN ({$cin}) ORDER BY id FOR UPDATE", OBJECT_K );
		$n     = $wpdb->query( "DELETE FROM {$l} WHERE id IN ({$ids})" );
		if ( false === $n || ! TermIndex::remove( array_column( $rows, 'id' ) ) ) {
			return $fail();
		}
		// Locking reads see the latest committed rows, whatever snapshot the transaction holds.
		$aggs   = $wpdb->get_results(
			"SELECT conversation_id AS cid, COUNT(*) AS n, SUM(input_tokens) AS tin, SUM(output_tokens) AS tout,
				SUM(credits) AS cr, MIN(created_at) AS first_at, MAX(created_at) AS last_at, MAX(id) AS last_id
			FROM {$l} WHERE conversation_id IN ({$cin}) GROUP BY conversation_id LOCK IN SHARE MODE",
			OBJECT_K
		);
		$values = [];
		$gone   = [];
		$last   = [];
		foreach ( $aggs as $a ) {
			$last[] = (int) $a->last_id;
		}
		$previews = [];
		if ( $last ) {
			foreach ( $wpdb->get_results( "SELECT conversation_id, user_message, reply, created_at FROM {$l} WHERE id IN (" . implode( ',', $last ) . ')', ARRAY_A ) as $p ) {
				$previews[ (int) $p['conversation_id'] ] = self::preview( $p );
			}
		}
		foreach ( $cids as $cid ) {
			if ( ! isset( $convs[ $cid ] ) ) {
				continue;
			}
			if ( ! isset( $aggs[ $cid ] ) ) {
				$gone[] = $cid;
				continue;
			}
			$a        = $aggs[ $cid ];
			$k        = $convs[ $cid ];
			$values[] = $wpdb->prepare(
				'(%d, %s, %s, %s, %d, %s, %s, %s, %d, %d, %d, %s, %s)',
				$cid,
				$k->conversation_key,
				$k->module,
				$k->bot_id,
				$k->user_id,
				$k->guest_key,
				$a->first_at,
				$a->last_at,
				$a->n,
				$a->tin,
				$a->tout,
				$a->cr,
				$previews[ $cid ] ?? ''
			);
		}
		if ( $gone && false === $wpdb->query( "DELETE FROM {$c} WHERE id IN (" . implode( ',', $gone ) . ')' ) ) {
			return $fail();
		}
		if ( $values ) {
			// Every row exists and is locked: this is a multi-row UPDATE in one statement.
			$ok = $wpdb->query(
				"INSERT INTO {$c} (id, conversation_key, module, bot_id, user_id, guest_key, first_at, last_at, exchanges,
					input_tokens, output_tokens, credits, last_preview) VALUES " . implode( ',', $values ) . '
				ON DUPLICATE KEY UPDATE first_at = VALUES(first_at), last_at = VALUES(last_at), exchanges = VALUES(exchanges),
					input_tokens = VALUES(input_tokens), output_tokens = VALUES(output_tokens), credits = VALUES(credits),
					last_preview = VALUES(last_preview)'
			);
			if ( false === $ok ) {
				return $fail();
			}
		}
		// Counted in the same transaction: the FULLTEXT index's deleted list grows by exactly these rows.
		FulltextCleanup::note_deleted( (int) $n );
		if ( $own_tx ) {
			$wpdb->query( 'COMMIT' );
		}
		return (int) $n;
	}

	public static function preview( array $row ): string {
		$text    = '' !== (string) $row['user_message'] ? (string) $row['user_message'] : (string) $row['reply'];
		$preview = trim( preg_replace( '/\s+/u', ' ', $text ) );
		return mb_strlen( $preview ) > 190 ? mb_substr( $preview, 0, 189 ) . '…' : $preview;
	}
}
