<?php
namespace AipkitUsage\Logs;

defined( 'ABSPATH' ) || exit;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables/Schema) and fixed expressions; values go through prepare().

/**
 * Schema upgrade to owner-keyed conversations (LogWriter::conversation_key).
 *
 * Before, a conversation was keyed by module, bot and the module's conversation id alone, so a
 * guest sending another person's conversation id appended to it, and a logged-in user could take a
 * guest's conversation over. Here each conversation that holds exchanges of more than one owner is
 * split: the exchanges of every other owner move to a conversation of their own. Then every old key
 * gets its owner prefix, built in SQL exactly as LogWriter builds it in PHP (same hash past 191 bytes).
 */
final class OwnerKeyMigration {
	/** SQL for the owner of log rows `l` (LogWriter::owner). */
	private const LOG_OWNER = "IF(l.user_id > 0, CONCAT('u', l.user_id), CONCAT('g', l.guest_key))";
	/** SQL for the owner of a summary `c`: its first writer (a takeover kept the guest key, changed user_id). */
	private const CONV_OWNER = "IF(c.user_id > 0, CONCAT('u', c.user_id), CONCAT('g', c.guest_key))";

	public static function run(): void {
		global $wpdb;
		$l      = Tables::logs();
		$c      = Tables::conversations();
		$max_id = (int) $wpdb->get_var( "SELECT COALESCE(MAX(id), 0) FROM {$c}" );

		// Conversations with an exchange by someone other than their recorded owner.
		$mixed   = $wpdb->get_results(
			'SELECT l.conversation_id AS cid, ' . self::LOG_OWNER . " AS owner, MAX(l.user_id) AS user_id, MAX(l.guest_key) AS guest_key
			FROM {$l} l JOIN {$c} c ON c.id = l.conversation_id
			WHERE " . self::LOG_OWNER . ' <> ' . self::CONV_OWNER . '
			GROUP BY l.conversation_id, owner',
			ARRAY_A
		);
		$touched = [];
		foreach ( (array) $mixed as $m ) {
			$conv = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$c} WHERE id = %d", $m['cid'] ), ARRAY_A );
			if ( ! $conv ) {
				continue;
			}
			$user_id = (int) $m['user_id'];
			$guest   = $user_id > 0 ? '' : (string) $m['guest_key'];
			$owner   = LogWriter::owner( $user_id, $guest );
			$key     = self::key_for( $owner, (string) $conv['module'], (string) $conv['conversation_key'] );
			$wpdb->query(
				$wpdb->prepare(
					"INSERT INTO {$c} (conversation_key, module, bot_id, user_id, guest_key, first_at, last_at, exchanges)
					VALUES (%s, %s, %s, %d, %s, %s, %s, 0) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
					$key,
					$conv['module'],
					$conv['bot_id'],
					$user_id,
					$guest,
					$conv['first_at'],
					$conv['last_at']
				)
			);
			$new_id = (int) $wpdb->insert_id;
			$wpdb->query( $wpdb->prepare( "UPDATE {$l} l SET l.conversation_id = %d WHERE l.conversation_id = %d AND " . self::LOG_OWNER . ' = %s', $new_id, $m['cid'], $owner ) );
			$touched[ (int) $m['cid'] ] = true;
			$touched[ $new_id ]         = true;
		}
		if ( $touched ) {
			self::recompute( array_keys( $touched ) );
		}

		// Every summary that existed before gets its owner prefix (the split ones above already have theirs).
		$owner  = self::CONV_OWNER;
		$joined = "CONCAT({$owner}, ':', c.conversation_key)";
		$wpdb->query(
			$wpdb->prepare(
				"UPDATE {$c} c SET c.conversation_key = IF(LENGTH({$joined}) <= 191, {$joined},
					CONCAT({$owner}, ':', c.module, ':#', SHA2(c.conversation_key, 256))) WHERE c.id <= %d",
				$max_id
			)
		);
	}

	/** LogWriter::conversation_key for an existing module-level key $base. */
	public static function key_for( string $owner, string $module, string $base ): string {
		$key = $owner . ':' . $base;
		return strlen( $key ) > 191 ? $owner . ':' . $module . ':#' . hash( 'sha256', $base ) : $key;
	}

	/** Summaries recomputed from their rows; those left without rows are removed. */
	private static function recompute( array $ids ): void {
		global $wpdb;
		$l  = Tables::logs();
		$c  = Tables::conversations();
		$in = implode( ',', array_map( 'intval', $ids ) );
		$wpdb->query(
			"UPDATE {$c} c JOIN (SELECT conversation_id AS cid, COUNT(*) AS n, SUM(input_tokens) AS tin, SUM(output_tokens) AS tout,
				SUM(credits) AS cr, MIN(created_at) AS f, MAX(created_at) AS la FROM {$l} WHERE conversation_id IN ({$in}) GROUP BY conversation_id) a
				ON a.cid = c.id
			SET c.exchanges = a.n, c.input_tokens = a.tin, c.output_tokens = a.tout, c.credits = a.cr, c.first_at = a.f, c.last_at = a.la"
		);
		$wpdb->query( "DELETE c FROM {$c} c WHERE c.id IN ({$in}) AND NOT EXISTS (SELECT 1 FROM {$l} l WHERE l.conversation_id = c.id)" );
		foreach ( $wpdb->get_col( "SELECT MAX(id) FROM {$l} WHERE conversation_id IN ({$in}) GROUP BY conversation_id" ) as $last ) {
			$row = $wpdb->get_row( $wpdb->prepare( "SELECT conversation_id, user_message, reply FROM {$l} WHERE id = %d", $last ), ARRAY_A );
			$wpdb->update( $c, [ 'last_preview' => LogDeleter::preview( $row ) ], [ 'id' => (int) $row['conversation_id'] ] );
		}
	}
}
