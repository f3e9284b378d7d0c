<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * The append-only ledger. Rows are only ever inserted; the UNIQUE idempotency key makes a repeated
 * event (a double hook, a retried request) a no-op that reports the first row instead of a second one.
 */
final class Ledger {
	/**
	 * The idempotency key of an entry, made by the core (the one place PHP asks for one).
	 *
	 * @param string $kind  ledger kind (usage, purchase, purchase_reversal, admin_adjustment, usage_reset)
	 * @param array  $parts key parts; each becomes text
	 * @return string|WP_Error
	 */
	public static function key( string $kind, array $parts ) {
		$r = \AipkitUsage\Core\Gateway::instance()->idempotency_key(
			[
				'kind'  => $kind,
				'parts' => array_map( 'strval', $parts ),
			]
		);
		return is_wp_error( $r ) ? $r : (string) $r['key'];
	}

	public const KINDS = [ 'purchase', 'purchase_reversal', 'admin_adjustment', 'usage', 'usage_reset' ];

	/**
	 * Appends one entry. Must run inside the caller's Transaction::run together with the balance
	 * change: its statements are checked ones, so a lost connection or conflict ends the whole unit.
	 *
	 * @param array $entry       columns of contract §5 (kind, idempotency_key required)
	 * @param bool  $check_first look the key up before inserting; a caller whose own locks already rule
	 *                           out a duplicate (settle holds the hold row) skips that round trip, and
	 *                           the UNIQUE key still refuses one
	 * @return int|WP_Error new id; WP_Error 'aipkit_duplicate_entry' (data.existing_id) when the key exists
	 */
	public static function append( array $entry, bool $check_first = true ) {
		global $wpdb;
		if ( ! in_array( $entry['kind'] ?? '', self::KINDS, true ) ) {
			return new WP_Error(
				'aipkit_invalid_kind',
				__( 'Unknown ledger entry kind.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'kind',
				]
			);
		}
		$row = array_merge(
			[
				'created_at'    => current_time( 'mysql', true ),
				'user_id'       => 0,
				'subject'       => '',
				'amount'        => '0.000000',
				'quota_amount'  => '0.000000',
				'uncovered'     => '0.000000',
				'balance_after' => null,
				'actor_id'      => get_current_user_id(),
				'module'        => '',
				'bot_id'        => '',
				'usage_type'    => '',
				'provider'      => '',
				'model'         => '',
				'input_tokens'  => 0,
				'output_tokens' => 0,
				'units'         => '0',
				'rule_snapshot' => null,
				'order_id'      => null,
				'order_item_id' => null,
				'note'          => '',
			],
			$entry
		);
		if ( is_array( $row['rule_snapshot'] ) ) {
			$row['rule_snapshot'] = wp_json_encode( $row['rule_snapshot'] );
		}
		$t        = Tables::ledger();
		$existing = $check_first ? Transaction::value( $wpdb->prepare( "SELECT id FROM $t WHERE idempotency_key = %s", $row['idempotency_key'] ) ) : null; // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
		if ( $existing ) {
			return self::duplicate( (int) $existing );
		}
		// Decimals go in as strings (%s) so MariaDB parses them exactly; no float ever touches them.
		$formats = [];
		foreach ( $row as $col => $v ) {
			$formats[] = in_array( $col, [ 'user_id', 'actor_id', 'input_tokens', 'output_tokens' ], true ) ? '%d' : '%s';
		}
		try {
			$id = Transaction::insert( $t, $row, $formats );
		} catch ( DbException $e ) {
			// 1062: the UNIQUE idempotency key refused a second entry (InnoDB undid only this statement).
			if ( 1062 !== $e->getCode() ) {
				throw $e;
			}
			return self::duplicate( (int) Transaction::value( $wpdb->prepare( "SELECT id FROM $t WHERE idempotency_key = %s", $row['idempotency_key'] ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
		}
		// Same transaction as the row: the Activity rollup is never behind the ledger.
		ActivityRollup::record( $row, (int) $id );
		return $id;
	}

	public static function get( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM ' . Tables::ledger() . ' WHERE id = %d', $id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
		return $row ? self::shape( $row ) : null;
	}

	public static function shape( array $r ): array {
		foreach ( [ 'id', 'user_id', 'actor_id', 'input_tokens', 'output_tokens' ] as $k ) {
			if ( isset( $r[ $k ] ) ) {
				$r[ $k ] = (int) $r[ $k ];
			}
		}
		if ( isset( $r['rule_snapshot'] ) && is_string( $r['rule_snapshot'] ) ) {
			$r['rule_snapshot'] = json_decode( $r['rule_snapshot'], true );
		}
		return $r;
	}

	private static function duplicate( int $id ): WP_Error {
		return new WP_Error(
			'aipkit_duplicate_entry',
			__( 'This event was already recorded in the ledger.', 'aipkit-usage' ),
			[
				'status'      => 409,
				'existing_id' => $id,
			]
		);
	}
}
