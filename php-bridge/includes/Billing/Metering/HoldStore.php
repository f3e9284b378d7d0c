<?php
namespace AipkitUsage\Billing\Metering;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Transaction;
use WP_Error;

/**
 * The hold rows: lookups (replays, the expiry sweep), the locked read settle and release start
 * from, and the shapes answered from a row (the first authorize answer, the first final result).
 *
 * `result` keeps `{authorize: {quote, guest_key, quota_limit}, final: first settle/release result|null}`
 * so the same request id, or a second settle, answers exactly what it answered the first time.
 */
final class HoldStore {
	public function __construct( private Clock $clock ) {
	}

	public function find( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT *, hold_balance + hold_quota AS estimate FROM ' . Tables::holds() . ' WHERE id = %d', $id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery -- table name from Tables
		return $row ? $row : null;
	}

	public function find_by_request( string $request_id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT *, hold_balance + hold_quota AS estimate FROM ' . Tables::holds() . ' WHERE request_id = %s', $request_id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery -- table name from Tables
		return $row ? $row : null;
	}

	/**
	 * One statement finds a hold already placed for this request id (a replay,
	 * returned whole) or else ids of the user's own expired holds, for the caller to release. It also
	 * answers Transaction::probe() (whether a caller's transaction is open), so authorize's unit,
	 * which follows with nothing sent in between, need not ask.
	 *
	 * A guest (user id 0) passes its subject list: its expired holds are those with the same list.
	 *
	 * @param string[]|null $guest_subjects a guest's subjects; null for a user
	 * @return array{0:?array,1:int[]} [the hold with this request id, expired hold ids]
	 */
	public function replay_or_expired( string $request_id, int $user_id, ?array $guest_subjects = null ): array {
		global $wpdb;
		$t     = Tables::holds();
		$probe = Transaction::probe();
		$probe = null === $probe ? '' : " UNION ALL (SELECT $probe, 2)";
		$own   = null === $guest_subjects
			? $wpdb->prepare( 'user_id = %d', $user_id )
			: $wpdb->prepare( 'user_id = 0 AND subjects = %s', wp_json_encode( $guest_subjects ) );
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables, $own prepared above, $probe a server variable
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"(SELECT id, 1 AS same FROM $t WHERE request_id = %s)
				 UNION ALL (SELECT id, 0 FROM $t WHERE $own AND status = 'held' AND expires_at < %s LIMIT 50)$probe",
				$request_id,
				Clock::sql( $this->clock->now() )
			),
			ARRAY_A
		);
		// phpcs:enable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared
		$rows  = (array) $rows;
		$state = array_search( '2', array_map( 'strval', array_column( $rows, 'same' ) ), true );
		if ( false !== $state ) {
			// Before anything else is sent on the connection (a replay's look-up below).
			Transaction::observe( $rows[ $state ]['id'] );
			unset( $rows[ $state ] );
		}
		$expired = [];
		foreach ( $rows as $r ) {
			if ( '1' === (string) $r['same'] ) {
				return [ $this->find_by_request( $request_id ), [] ];
			}
			$expired[] = (int) $r['id'];
		}
		return [ null, $expired ];
	}

	/** @return int[] ids of expired holds, oldest first */
	public function expired( int $limit ): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery -- table name from Tables
		$ids = $wpdb->get_col( $wpdb->prepare( 'SELECT id FROM ' . Tables::holds() . " WHERE status = 'held' AND expires_at < %s ORDER BY expires_at LIMIT %d", Clock::sql( $this->clock->now() ), $limit ) );
		return array_map( 'intval', (array) $ids );
	}

	/**
	 * Inside a transaction: the hold row and its user's balance row, locked by one statement (settle's
	 * and release's one round trip for both); 404 when the hold does not exist, 409 when the caller
	 * passed an authorize result for another user, request or module. The LEFT JOIN reads the hold
	 * first and the balance through it, so the locks are taken in the order of every other path:
	 * hold, then balance, then counters.
	 *
	 * @param int|array $given what the caller passed (an id or an authorize result)
	 * @return array|WP_Error the hold row; `_balance` is the locked balance (Balances' shape), or null
	 *                        for a guest's hold and for a user with no balance row yet
	 */
	public function lock_with_balance( int $hold_id, $given ) {
		global $wpdb;
		$h = Transaction::row(
			$wpdb->prepare(
				// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table names from Tables
				'SELECT h.*, h.hold_balance + h.hold_quota AS estimate, b.balance AS _b_balance, b.held AS _b_held, b.balance - b.held AS _b_available, b.uncovered AS _b_uncovered FROM ' . Tables::holds() . ' h LEFT JOIN ' . Tables::balances() . ' b ON b.user_id = h.user_id AND h.user_id > 0 WHERE h.id = %d FOR UPDATE',
				$hold_id
			)
		);
		if ( $h ) {
			$balance = null === $h['_b_balance'] ? null : Balances::shape( $h, '_b_' );
			unset( $h['_b_balance'], $h['_b_held'], $h['_b_available'], $h['_b_uncovered'] );
			$h['_balance'] = $balance;
		}
		return self::checked( $h, $hold_id, $given );
	}

	/** @return array|WP_Error the hold, or why the caller may not use it */
	private static function checked( ?array $h, int $hold_id, $given ) {
		if ( ! $h ) {
			return new WP_Error(
				'aipkit_hold_not_found',
				/* translators: %d: hold id */
				sprintf( __( 'Hold #%d does not exist.', 'aipkit-usage' ), $hold_id ),
				[
					'status' => 404,
					'field'  => 'hold',
				]
			);
		}
		if ( is_array( $given ) ) {
			foreach ( [ 'user_id', 'request_id', 'module' ] as $k ) {
				if ( isset( $given[ $k ] ) && (string) $given[ $k ] !== (string) $h[ $k ] ) {
					return new WP_Error(
						'aipkit_hold_not_yours',
						__( 'This hold belongs to another request.', 'aipkit-usage' ),
						[
							'status' => 409,
							'field'  => 'hold',
						]
					);
				}
			}
		}
		return $h;
	}

	/** Whom the hold charges: user:<id>, or the guest's cookie subject (the first of its subjects). */
	public static function subject_of( array $h ): string {
		if ( '' !== (string) ( $h['subject'] ?? '' ) ) {
			return (string) $h['subject'];
		}
		// Holds placed before the subject column existed.
		$subjects = self::subjects( $h );
		return isset( $subjects[0] ) ? (string) $subjects[0] : 'user:' . (int) $h['user_id'];
	}

	/** @return string[] */
	public static function subjects( array $h ): array {
		$s = json_decode( (string) $h['subjects'], true );
		return is_array( $s ) ? $s : [];
	}

	/** @return int[] */
	public static function counters( array $h ): array {
		$ids = json_decode( (string) $h['counters'], true );
		return is_array( $ids ) ? array_map( 'intval', $ids ) : [];
	}

	/** What authorize first answered for this hold (status `held`, its quote and guest key), whatever happened since. */
	public static function first_authorize( array $h ): array {
		$first          = self::stored( $h )['authorize'] ?? [];
		$view           = self::view( $h );
		$view['status'] = 'held';
		if ( is_array( $first ) && isset( $first['quote'] ) ) {
			$view['quote']     = $first['quote'];
			$view['guest_key'] = (string) ( $first['guest_key'] ?? '' );
		}
		return $view;
	}

	/** The first settle/release result, or null while there is none (held, expired). */
	public static function final_result( array $h ): ?array {
		$stored = self::stored( $h );
		if ( ! $stored ) {
			return null;
		}
		if ( array_key_exists( 'final', $stored ) || array_key_exists( 'authorize', $stored ) ) {
			return is_array( $stored['final'] ?? null ) ? $stored['final'] : null;
		}
		return $stored; // Rows written before the authorize part was kept hold the final result alone.
	}

	/** The result column with this final result next to the authorize part. */
	public static function with_final( array $h, array $result ): string {
		$stored = self::stored( $h );
		return (string) wp_json_encode(
			[
				'authorize' => is_array( $stored['authorize'] ?? null ) ? $stored['authorize'] : null,
				'final'     => $result,
			]
		);
	}

	/**
	 * The quota limit the hold was admitted under (kept with its authorize result); false for holds
	 * written before it was kept (the caller resolves the rule as it is now).
	 *
	 * @return string|null|false
	 */
	public static function admitted_limit( array $h ) {
		$a = self::stored( $h )['authorize'] ?? null;
		if ( is_array( $a ) && array_key_exists( 'quota_limit', $a ) ) {
			return null === $a['quota_limit'] ? null : Decimal::db( $a['quota_limit'] );
		}
		return false;
	}

	public static function view( array $h ): array {
		return [
			'hold_id'      => (int) $h['id'],
			'request_id'   => $h['request_id'],
			'user_id'      => (int) $h['user_id'],
			'module'       => $h['module'],
			'bot_id'       => $h['bot_id'],
			'status'       => $h['status'],
			'hold_balance' => Decimal::db( $h['hold_balance'] ),
			'hold_quota'   => Decimal::db( $h['hold_quota'] ),
			'estimate'     => Decimal::db( $h['estimate'] ),
			'expires_at'   => $h['expires_at'],
		];
	}

	private static function stored( array $h ): array {
		$s = json_decode( (string) ( $h['result'] ?? '' ), true );
		return is_array( $s ) ? $s : [];
	}
}
