<?php
namespace AipkitUsage\Billing;

defined( 'ABSPATH' ) || exit;

/**
 * Records admission refusals (action `aipkit_usage_refused`, docs/contract.md), so an administrator
 * can answer "why was this refused?" after the fact. Rows are diagnostics, not money: they are
 * written outside any transaction and pruned after KEEP_DAYS.
 */
final class Refusals {
	public const KEEP_DAYS = 90;

	/** The refusal keys of the action, in the order they are stored. */
	private const DECIMALS = [ 'estimate', 'balance_available', 'held' ];

	public static function register(): void {
		add_action( 'aipkit_usage_refused', [ self::class, 'record' ] );
	}

	/**
	 * @param mixed $refusal the action's array (user_id, guest_key, module, bot_id, usage_type,
	 *                       provider, model, estimate, balance_available, held, quota, rule_id,
	 *                       reason, message, at)
	 * @return int|null new row id, null when the argument is not a refusal
	 */
	public static function record( $refusal ): ?int {
		if ( ! is_array( $refusal ) ) {
			return null;
		}
		global $wpdb;
		$at  = isset( $refusal['at'] ) && is_numeric( $refusal['at'] ) ? (int) $refusal['at'] : time();
		$row = [
			'created_at' => gmdate( 'Y-m-d H:i:s', $at ),
			'user_id'    => max( 0, (int) ( $refusal['user_id'] ?? 0 ) ),
			'guest_key'  => substr( (string) ( $refusal['guest_key'] ?? '' ), 0, 80 ),
			'module'     => substr( (string) ( $refusal['module'] ?? '' ), 0, 64 ),
			'bot_id'     => substr( (string) ( $refusal['bot_id'] ?? '' ), 0, 64 ),
			'usage_type' => substr( (string) ( $refusal['usage_type'] ?? '' ), 0, 32 ),
			'provider'   => substr( (string) ( $refusal['provider'] ?? '' ), 0, 64 ),
			'model'      => substr( (string) ( $refusal['model'] ?? '' ), 0, 128 ),
		];
		foreach ( self::DECIMALS as $k ) {
			$v         = (string) ( $refusal[ $k ] ?? '0' );
			$row[ $k ] = preg_match( '/^-?\d{1,14}(\.\d{1,6})?$/', $v ) ? $v : '0';
		}
		$row['quota']   = (string) wp_json_encode( is_array( $refusal['quota'] ?? null ) ? array_values( $refusal['quota'] ) : [] );
		$row['rule_id'] = isset( $refusal['rule_id'] ) && is_numeric( $refusal['rule_id'] ) ? (int) $refusal['rule_id'] : null;
		$row['reason']  = substr( (string) ( $refusal['reason'] ?? '' ), 0, 64 );
		$row['message'] = (string) ( $refusal['message'] ?? '' );
		$formats        = [ '%s', '%d', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%d', '%s', '%s' ];
		if ( null === $row['rule_id'] ) {
			unset( $row['rule_id'] );
			unset( $formats[12] );
		}
		if ( false === $wpdb->insert( Tables::refusals(), $row, array_values( $formats ) ) ) {
			return null;
		}
		$id = (int) $wpdb->insert_id;
		// Bounded without a cron job: roughly one insert in a hundred prunes old rows.
		if ( 0 === $id % 100 ) {
			self::prune();
		}
		return $id;
	}

	/** Deletes refusals older than KEEP_DAYS. @return int rows deleted */
	public static function prune(): int {
		global $wpdb;
		return (int) $wpdb->query( $wpdb->prepare( 'DELETE FROM ' . Tables::refusals() . ' WHERE created_at < %s LIMIT 5000', gmdate( 'Y-m-d H:i:s', time() - self::KEEP_DAYS * DAY_IN_SECONDS ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
	}

	/**
	 * A user's most recent refusals, newest first, optionally for one module (and bot).
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public static function recent( int $user_id, int $limit = 10, string $module = '', ?string $bot_id = null ): array {
		global $wpdb;
		$where = $wpdb->prepare( 'user_id = %d', $user_id );
		if ( '' !== $module ) {
			$where .= $wpdb->prepare( ' AND module = %s', $module );
			if ( null !== $bot_id ) {
				$where .= $wpdb->prepare( ' AND bot_id = %s', $bot_id );
			}
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table name and the prepared $where.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT * FROM ' . Tables::refusals() . " WHERE $where ORDER BY created_at DESC, id DESC LIMIT %d", max( 1, min( 100, $limit ) ) ), ARRAY_A ) ?? [];
		return array_map( [ self::class, 'shape' ], $rows );
	}

	private static function shape( array $r ): array {
		$quota = json_decode( (string) $r['quota'], true );
		return [
			'id'                => (int) $r['id'],
			'at'                => (int) strtotime( $r['created_at'] . ' UTC' ),
			'user_id'           => (int) $r['user_id'],
			'guest_key'         => $r['guest_key'],
			'module'            => $r['module'],
			'bot_id'            => $r['bot_id'],
			'usage_type'        => $r['usage_type'],
			'provider'          => $r['provider'],
			'model'             => $r['model'],
			'estimate'          => Decimal::db( $r['estimate'] ),
			'balance_available' => Decimal::db( $r['balance_available'] ),
			'held'              => Decimal::db( $r['held'] ),
			'quota'             => is_array( $quota ) ? $quota : [],
			'rule_id'           => null === $r['rule_id'] ? null : (int) $r['rule_id'],
			'reason'            => $r['reason'],
			'message'           => (string) $r['message'],
		];
	}
}
