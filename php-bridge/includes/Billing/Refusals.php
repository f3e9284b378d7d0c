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

	/**
	 * The refusal array of the action for a request Metering refused: what was asked, and the
	 * balance and quota counters as they are right after the refusal (read outside the rolled-back
	 * transaction, so they are the values the next request would see).
	 *
	 * @param array     $request  the validated authorize request (module, bot_id, usage_type, provider, model, user_id)
	 * @param array     $identity subjects and guest_key
	 * @param array     $quote    the price of the estimate (credits, rule_id)
	 * @param array     $ctx      the quota context (scope, limit, period_key)
	 * @param \WP_Error $error    the refusal
	 */
	public static function from_metering( array $request, array $identity, array $quote, array $ctx, \WP_Error $error ): array {
		global $wpdb;
		$user_id = (int) $request['user_id'];
		$balance = $user_id > 0 ? Balances::get( $user_id ) : [
			'available' => '0.000000',
			'held'      => '0.000000',
		];
		$quota   = [];
		foreach ( (array) $identity['subjects'] as $subject ) {
			$c    = $wpdb->get_row( $wpdb->prepare( 'SELECT used, held FROM ' . Tables::counters() . ' WHERE subject = %s AND scope = %s AND period_key = %s', $subject, $ctx['scope'], $ctx['period_key'] ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
			$used = Decimal::db( $c['used'] ?? '0' );
			$held = Decimal::db( $c['held'] ?? '0' );
			$left = null;
			if ( null !== $ctx['limit'] ) {
				$left = Decimal::db( $wpdb->get_var( $wpdb->prepare( 'SELECT GREATEST(CAST(%s AS DECIMAL(20,6)) - CAST(%s AS DECIMAL(20,6)) - CAST(%s AS DECIMAL(20,6)), 0)', $ctx['limit'], $used, $held ) ) );
			}
			$quota[] = [
				'scope'      => $ctx['scope'],
				'subject'    => $subject,
				'limit'      => $ctx['limit'],
				'used'       => $used,
				'held'       => $held,
				'remaining'  => $left,
				'period_key' => $ctx['period_key'],
			];
		}
		return [
			'user_id'           => $user_id,
			'guest_key'         => $user_id > 0 ? null : (string) ( $identity['guest_key'] ?? '' ),
			'module'            => $request['module'],
			'bot_id'            => $request['bot_id'],
			'usage_type'        => $request['usage_type'],
			'provider'          => $request['provider'],
			'model'             => $request['model'],
			'estimate'          => (string) $quote['credits'],
			'balance_available' => $balance['available'],
			'held'              => $balance['held'],
			'quota'             => $quota,
			'rule_id'           => isset( $quote['rule_id'] ) ? (int) $quote['rule_id'] : null,
			'reason'            => 'quota_exceeded',
			'message'           => $error->get_error_message(),
			'at'                => time(),
		];
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
