<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and conditions built with prepare().

use WP_Error;

/**
 * Writes one exchange: one INSERT into the logs table, one INSERT … ON DUPLICATE KEY UPDATE on
 * the conversation summary and one multi-row INSERT of its short words into the TermIndex.
 *
 * The summary upsert runs first so the conversation row is locked until the
 * log row is in: a concurrent delete batch (which locks the same summary row
 * before recomputing it) can never see the one without the other.
 */
final class LogWriter {
	/**
	 * @param array $exchange keys: module, bot_id, user_id, guest_key, conversation_id, provider, model,
	 *                        usage_type, input_tokens, output_tokens, credits (decimal string), ledger_id,
	 *                        user_message, reply, metadata (array), vector_context (list), status,
	 *                        created_at (optional Unix seconds, default now).
	 * @return int|WP_Error the new log id
	 */
	public static function record( array $exchange ) {
		$row = self::normalise( $exchange );
		if ( is_wp_error( $row ) ) {
			return $row;
		}
		global $wpdb;

		// Join the caller's transaction when there is one (a nested START TRANSACTION would commit it).
		$own_tx = ! (int) $wpdb->get_var( 'SELECT @@in_transaction' );
		if ( $own_tx ) {
			$wpdb->query( 'START TRANSACTION' );
		}

		$conv_id = self::upsert_conversation( $row );
		if ( ! $conv_id ) {
			if ( $own_tx ) {
				$wpdb->query( 'ROLLBACK' );
			}
			return new WP_Error( 'aipkit_log_write_failed', __( 'The conversation summary could not be written: ', 'aipkit-usage' ) . $wpdb->last_error, [ 'status' => 500 ] );
		}

		$ok = $wpdb->insert(
			Tables::logs(),
			[
				'conversation_id' => $conv_id,
				'created_at'      => $row['created_at'],
				'module'          => $row['module'],
				'bot_id'          => $row['bot_id'],
				'user_id'         => $row['user_id'],
				'guest_key'       => $row['guest_key'],
				'provider'        => $row['provider'],
				'model'           => $row['model'],
				'usage_type'      => $row['usage_type'],
				'input_tokens'    => $row['input_tokens'],
				'output_tokens'   => $row['output_tokens'],
				'credits'         => $row['credits'],
				'ledger_id'       => $row['ledger_id'],
				'user_message'    => $row['user_message'],
				'reply'           => $row['reply'],
				'metadata'        => $row['metadata'],
				'vector_context'  => $row['vector_context'],
				'top_score'       => $row['top_score'],
				'status'          => $row['status'],
			],
			[ '%d', '%s', '%s', '%s', '%d', '%s', '%s', '%s', '%s', '%d', '%d', '%s', '%d', '%s', '%s', '%s', '%s', '%s', '%s' ]
		);
		if ( ! $ok ) {
			if ( $own_tx ) {
				$wpdb->query( 'ROLLBACK' );
			}
			return new WP_Error( 'aipkit_log_write_failed', __( 'The log row could not be written: ', 'aipkit-usage' ) . $wpdb->last_error, [ 'status' => 500 ] );
		}
		$log_id = (int) $wpdb->insert_id;
		if ( ! TermIndex::add( $log_id, TermIndex::terms( $row['user_message'], $row['reply'] ) ) ) {
			if ( $own_tx ) {
				$wpdb->query( 'ROLLBACK' );
			}
			return new WP_Error( 'aipkit_log_write_failed', __( 'The search index could not be written: ', 'aipkit-usage' ) . $wpdb->last_error, [ 'status' => 500 ] );
		}
		if ( $own_tx ) {
			$wpdb->query( 'COMMIT' );
		}
		return $log_id;
	}

	private static function upsert_conversation( array $row ): int {
		global $wpdb;
		$t   = Tables::conversations();
		$sql = $wpdb->prepare(
			"INSERT INTO {$t} (conversation_key, module, bot_id, user_id, guest_key, first_at, last_at, exchanges,
				input_tokens, output_tokens, credits, last_preview)
			VALUES (%s, %s, %s, %d, %s, %s, %s, 1, %d, %d, %s, %s)
			ON DUPLICATE KEY UPDATE
				id = LAST_INSERT_ID(id),
				exchanges = exchanges + 1,
				input_tokens = input_tokens + VALUES(input_tokens),
				output_tokens = output_tokens + VALUES(output_tokens),
				credits = credits + VALUES(credits),
				first_at = LEAST(first_at, VALUES(first_at)),
				last_preview = IF(VALUES(last_at) >= last_at, VALUES(last_preview), last_preview),
				last_at = GREATEST(last_at, VALUES(last_at))",
			$row['conversation_key'],
			$row['module'],
			$row['bot_id'],
			$row['user_id'],
			$row['guest_key'],
			$row['created_at'],
			$row['created_at'],
			$row['input_tokens'],
			$row['output_tokens'],
			$row['credits'],
			$row['preview']
		);
		if ( false === $wpdb->query( $sql ) ) {
			return 0;
		}
		return (int) $wpdb->insert_id;
	}

	/**
	 * The summary key: owner, module, bot and the module's conversation id. The owner (user id, or
	 * guest key for a guest) is part of it, so a conversation id sent by someone else (a guest who
	 * learnt "seed-conv-alice", a user reusing a guest's id) starts that caller's own conversation
	 * and never appends to another owner's.
	 *
	 * Built as `owner:` + the module-level key `module:bot:conversation` (itself hashed past 191
	 * bytes), hashed again when the whole is too long; Schema's migration builds the same keys in SQL.
	 */
	public static function conversation_key( string $module, string $bot, int $user_id, string $guest_key, string $conversation ): string {
		$base = $module . ':' . $bot . ':' . $conversation;
		if ( strlen( $base ) > 191 ) {
			$base = $module . ':#' . hash( 'sha256', $bot . "\0" . $conversation );
		}
		$key = self::owner( $user_id, $guest_key ) . ':' . $base;
		if ( strlen( $key ) > 191 ) {
			$key = self::owner( $user_id, $guest_key ) . ':' . $module . ':#' . hash( 'sha256', $base );
		}
		return $key;
	}

	/** "u<id>" for a user, "g<guest key>" for a guest (the guest key alone identifies a guest). */
	public static function owner( int $user_id, string $guest_key ): string {
		return $user_id > 0 ? 'u' . $user_id : 'g' . $guest_key;
	}

	/** @return array|WP_Error */
	public static function normalise( array $e ) {
		$err    = static function ( string $field, string $msg ) {
			return new WP_Error(
				'aipkit_invalid_log',
				$msg,
				[
					'status' => 400,
					'field'  => $field,
				]
			);
		};
		$module = isset( $e['module'] ) ? (string) $e['module'] : '';
		if ( ! preg_match( '/^[a-z0-9_\-]{1,32}$/', $module ) ) {
			return $err( 'module', __( 'module must be 1–32 characters of a-z, 0-9, _ or -.', 'aipkit-usage' ) );
		}
		$bot = isset( $e['bot_id'] ) && null !== $e['bot_id'] ? (string) $e['bot_id'] : '';
		if ( strlen( $bot ) > 64 || ! self::is_utf8( $bot ) ) {
			return $err( 'bot_id', __( 'bot_id must be at most 64 bytes of UTF-8.', 'aipkit-usage' ) );
		}
		$user_id = $e['user_id'] ?? 0;
		if ( ! ( ( is_int( $user_id ) && $user_id >= 0 ) || ( is_string( $user_id ) && ctype_digit( $user_id ) ) ) ) {
			return $err( 'user_id', __( 'user_id must be a non-negative integer.', 'aipkit-usage' ) );
		}
		$guest = isset( $e['guest_key'] ) ? (string) $e['guest_key'] : '';
		if ( '' !== $guest && ! preg_match( '/^[A-Za-z0-9_\-]{1,16}$/', $guest ) ) {
			return $err( 'guest_key', __( 'guest_key must be at most 16 characters of A-Z, a-z, 0-9, _ or -.', 'aipkit-usage' ) );
		}
		$conv = isset( $e['conversation_id'] ) ? (string) $e['conversation_id'] : '';
		if ( '' === $conv ) {
			// No conversation from the module: the exchange is its own conversation.
			$conv = 'x' . wp_generate_uuid4();
		}
		if ( ! self::is_utf8( $conv ) ) {
			return $err( 'conversation_id', __( 'conversation_id must be UTF-8.', 'aipkit-usage' ) );
		}
		$key = self::conversation_key( $module, $bot, (int) $user_id, $guest, $conv );
		foreach ( [ 'input_tokens', 'output_tokens' ] as $f ) {
			$v = $e[ $f ] ?? 0;
			if ( ! ( is_int( $v ) || ( is_string( $v ) && ctype_digit( $v ) ) ) || (int) $v < 0 || (int) $v > 1000000000000 ) {
				return $err( $f, "{$f} must be an integer between 0 and 10^12." );
			}
		}
		$credits = isset( $e['credits'] ) ? (string) $e['credits'] : '0';
		if ( ! preg_match( '/^\d{1,14}(\.\d{1,6})?$/', $credits ) ) {
			return $err( 'credits', __( 'credits must be a non-negative decimal string with at most 6 decimal places.', 'aipkit-usage' ) );
		}
		$ledger = $e['ledger_id'] ?? null;
		if ( null !== $ledger && ( ! is_numeric( $ledger ) || (int) $ledger <= 0 ) ) {
			return $err( 'ledger_id', __( 'ledger_id must be a positive integer or null.', 'aipkit-usage' ) );
		}
		$status = isset( $e['status'] ) ? (string) $e['status'] : 'ok';
		if ( ! preg_match( '/^[a-z_]{1,16}$/', $status ) ) {
			return $err( 'status', __( 'status must be 1–16 characters of a-z or _.', 'aipkit-usage' ) );
		}
		$metadata = $e['metadata'] ?? [];
		if ( ! is_array( $metadata ) ) {
			return $err( 'metadata', __( 'metadata must be an array.', 'aipkit-usage' ) );
		}
		$vectors = self::normalise_vectors( $e['vector_context'] ?? [] );
		if ( is_wp_error( $vectors ) ) {
			return $vectors;
		}
		$created = $e['created_at'] ?? time();
		if ( ! is_numeric( $created ) || (int) $created <= 0 ) {
			return $err( 'created_at', __( 'created_at must be Unix seconds.', 'aipkit-usage' ) );
		}
		$message = self::scrub( (string) ( $e['user_message'] ?? '' ) );
		$reply   = self::scrub( (string) ( $e['reply'] ?? '' ) );
		$preview = LogDeleter::preview(
			[
				'user_message' => $message,
				'reply'        => $reply,
			]
		);
		return [
			'conversation_key' => $key,
			'module'           => $module,
			'bot_id'           => $bot,
			'user_id'          => (int) $user_id,
			'guest_key'        => $guest,
			'provider'         => self::short( $e['provider'] ?? '', 64 ),
			'model'            => self::short( $e['model'] ?? '', 128 ),
			'usage_type'       => self::short( $e['usage_type'] ?? 'chat', 32 ),
			'input_tokens'     => (int) ( $e['input_tokens'] ?? 0 ),
			'output_tokens'    => (int) ( $e['output_tokens'] ?? 0 ),
			'credits'          => $credits,
			'ledger_id'        => null === $ledger ? null : (int) $ledger,
			'user_message'     => $message,
			'reply'            => $reply,
			'metadata'         => wp_json_encode( (object) $metadata, JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE ),
			'vector_context'   => wp_json_encode( $vectors['items'], JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE ),
			'top_score'        => $vectors['top'],
			'status'           => $status,
			'created_at'       => gmdate( 'Y-m-d H:i:s', (int) $created ),
			'preview'          => $preview,
		];
	}

	/**
	 * Vector scores arrive as fractions (0–1, the default) or percents (item "scale":"percent");
	 * the row keeps the best one as a percent so list/export never decode the JSON.
	 *
	 * @return array|WP_Error
	 */
	private static function normalise_vectors( $items ) {
		if ( ! is_array( $items ) ) {
			return new WP_Error(
				'aipkit_invalid_log',
				__( 'vector_context must be a list.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'vector_context',
				]
			);
		}
		$out = [];
		$top = null;
		foreach ( array_values( $items ) as $i => $item ) {
			if ( ! is_array( $item ) || ! isset( $item['score'] ) || ! is_numeric( $item['score'] ) ) {
				return new WP_Error(
					'aipkit_invalid_log',
					/* translators: %d: position of the item in the list, from 0 */
					sprintf( __( 'vector_context[%d] needs a numeric score.', 'aipkit-usage' ), $i ),
					[
						'status' => 400,
						'field'  => 'vector_context',
					]
				);
			}
			$scale = ( $item['scale'] ?? 'fraction' ) === 'percent' ? 'percent' : 'fraction';
			$score = (string) $item['score'];
			$pct   = 'percent' === $scale ? (float) $score : (float) $score * 100;
			if ( $pct < 0 || $pct > 100 ) {
				return new WP_Error(
					'aipkit_invalid_log',
					/* translators: %d: position of the item in the list, from 0 */
					sprintf( __( 'vector_context[%d].score is out of range.', 'aipkit-usage' ), $i ),
					[
						'status' => 400,
						'field'  => 'vector_context',
					]
				);
			}
			$out[] = [
				'provider' => self::short( $item['provider'] ?? '', 64 ),
				'source'   => self::short( $item['source'] ?? '', 500 ),
				'score'    => $score,
				'scale'    => $scale,
				'preview'  => self::short( $item['preview'] ?? '', 2000 ),
			];
			// top_score is only an index/CSV column (DECIMAL(6,2)); the exact score stays in the JSON.
			$top = null === $top ? $pct : max( $top, $pct );
		}
		return [
			'items' => $out,
			'top'   => null === $top ? null : number_format( $top, 2, '.', '' ),
		];
	}

	private static function short( $value, int $max ): string {
		$s = self::scrub( is_scalar( $value ) ? (string) $value : '' );
		return mb_strlen( $s ) > $max ? mb_substr( $s, 0, $max ) : $s;
	}

	/** Model output can hold broken UTF-8; store it repaired rather than lose the exchange. */
	private static function scrub( string $s ): string {
		return self::is_utf8( $s ) ? $s : mb_scrub( $s, 'UTF-8' );
	}

	private static function is_utf8( string $s ): bool {
		return '' === $s || 1 === preg_match( '//u', $s );
	}
}
