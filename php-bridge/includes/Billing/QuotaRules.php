<?php
namespace AipkitUsage\Billing;

use WP_Error;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- SQL is composed only of the plugin's own table names (Tables::*), integer id lists (intval) and fragments built by $wpdb->prepare(); every value goes through prepare(). WordPress 6.1 has no %i for identifiers.

/**
 * Quota rules per module and optionally one bot/form. An empty limit is unlimited, 0 allows nothing,
 * and a module without any rule is unlimited, so a fresh site just works.
 */
final class QuotaRules {
	public const PERIODS = [ 'never', 'daily', 'weekly', 'monthly' ];

	/** Longest refusal message (characters) and most role overrides one rule may carry, as the core publishes them. */
	public static function max_message(): int {
		return (int) CoreConstants::get( 'quota_message_max_chars', 1000 );
	}

	public static function max_roles(): int {
		return (int) CoreConstants::get( 'quota_roles_max', 100 );
	}

	private const CACHE_GROUP = 'aipkit_usage_quota_rules';

	/** Bumped by every write: resolve() memo keys of older generations are never read again. */
	private static int $generation = 0;

	public static function all(): array {
		global $wpdb;
		$rows = (array) $wpdb->get_results( 'SELECT * FROM ' . Tables::quota_rules() . ' ORDER BY module, bot_id', ARRAY_A );
		return array_map( [ self::class, 'shape' ], $rows );
	}

	public static function get( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM ' . Tables::quota_rules() . ' WHERE id = %d', $id ), ARRAY_A );
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * The bot-specific rule wins over the module rule; null when neither exists. Memoised per request
	 * in a non-persistent object-cache group (emptied by wp_cache_flush(); save/delete move to a new
	 * generation of keys), so a request that meters several times looks the rule up once.
	 */
	public static function resolve( string $module, string $bot_id ): ?array {
		$key    = self::$generation . "\0" . Tables::quota_rules() . "\0" . $module . "\0" . $bot_id;
		$cached = wp_cache_get( $key, self::CACHE_GROUP );
		if ( is_array( $cached ) ) {
			return $cached['rule'];
		}
		global $wpdb;
		$row  = $wpdb->get_row(
			$wpdb->prepare(
				'SELECT * FROM ' . Tables::quota_rules() . " WHERE module = %s AND bot_id IN (%s, '') ORDER BY bot_id = '' LIMIT 1",
				$module,
				$bot_id
			),
			ARRAY_A
		);
		$rule = $row ? self::shape( $row ) : null;
		wp_cache_add_non_persistent_groups( [ self::CACHE_GROUP ] );
		wp_cache_set( $key, [ 'rule' => $rule ], self::CACHE_GROUP );
		return $rule;
	}

	/**
	 * The rules that may apply to a request: the module's own (bot_id '') and the bot's; the core
	 * chooses between them (op authorize). Memoised per request like resolve().
	 *
	 * @return array<int,array> shaped rules
	 */
	public static function candidates( string $module, string $bot_id ): array {
		$key    = self::$generation . "\0candidates\0" . Tables::quota_rules() . "\0" . $module . "\0" . $bot_id;
		$cached = wp_cache_get( $key, self::CACHE_GROUP );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		global $wpdb;
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
		$rows  = (array) $wpdb->get_results( $wpdb->prepare( 'SELECT * FROM ' . Tables::quota_rules() . " WHERE module = %s AND bot_id IN (%s, '')", $module, $bot_id ), ARRAY_A );
		$rules = array_map( [ self::class, 'shape' ], $rows );
		wp_cache_add_non_persistent_groups( [ self::CACHE_GROUP ] );
		wp_cache_set( $key, $rules, self::CACHE_GROUP );
		return $rules;
	}

	/** Insert or replace the rule for (module, bot_id). */
	public static function save( array $input ) {
		$rule = self::validate( $input );
		if ( is_wp_error( $rule ) ) {
			return $rule;
		}
		global $wpdb;
		++self::$generation;
		$t  = Tables::quota_rules();
		$ok = $wpdb->query(
			$wpdb->prepare(
				"INSERT INTO $t (module, bot_id, guest_limit, user_limit, role_limits, period, message, updated_at)
				 VALUES (%s, %s, " . self::nullable( $rule['guest_limit'] ) . ', ' . self::nullable( $rule['user_limit'] ) . ', %s, %s, %s, UTC_TIMESTAMP())
				 ON DUPLICATE KEY UPDATE guest_limit = VALUES(guest_limit), user_limit = VALUES(user_limit), role_limits = VALUES(role_limits),
				 period = VALUES(period), message = VALUES(message), updated_at = VALUES(updated_at)',
				array_values(
					array_filter(
						[ $rule['module'], $rule['bot_id'], $rule['guest_limit'], $rule['user_limit'], wp_json_encode( (object) $rule['role_limits'] ), $rule['period'], $rule['message'] ],
						static fn( $v ) => null !== $v
					)
				)
			)
		);
		if ( false === $ok ) {
			return new WP_Error( 'aipkit_db_error', __( 'The quota rule could not be saved.', 'aipkit-usage' ), [ 'status' => 500 ] );
		}
		return self::resolve_exact( $rule['module'], $rule['bot_id'] );
	}

	public static function delete( int $id ) {
		global $wpdb;
		++self::$generation;
		if ( ! $wpdb->delete( Tables::quota_rules(), [ 'id' => $id ], [ '%d' ] ) ) {
			return new WP_Error(
				'aipkit_quota_not_found',
				/* translators: %d: quota rule id */
				sprintf( __( 'Quota rule #%d does not exist.', 'aipkit-usage' ), $id ),
				[
					'status' => 404,
					'field'  => 'id',
				]
			);
		}
		return true;
	}

	public static function validate( array $in ) {
		$module = $in['module'] ?? '';
		if ( ! is_string( $module ) || ! preg_match( CoreConstants::pattern( 'module_pattern', '^[a-z0-9_-]{1,32}$' ), $module ) ) {
			return new WP_Error(
				'aipkit_invalid_module',
				__( 'module must be 1–32 characters of a-z, 0-9, _ or -.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'module',
				]
			);
		}
		$bot = $in['bot_id'] ?? '';
		if ( is_int( $bot ) ) {
			$bot = (string) $bot;
		}
		if ( ! is_string( $bot ) || ! preg_match( CoreConstants::pattern( 'bot_id_pattern', '^[A-Za-z0-9_.-]{0,64}$' ), $bot ) ) {
			return new WP_Error(
				'aipkit_invalid_bot',
				__( 'bot_id must be at most 64 characters of letters, digits, _ . or -.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'bot_id',
				]
			);
		}
		$out = [
			'module' => $module,
			'bot_id' => $bot,
		];
		foreach ( [ 'guest_limit', 'user_limit' ] as $f ) {
			$v = Decimal::parse_limit( $f, $in[ $f ] ?? null );
			if ( is_wp_error( $v ) ) {
				return $v;
			}
			$out[ $f ] = $v;
		}
		$roles = $in['role_limits'] ?? [];
		if ( ! is_array( $roles ) ) {
			return new WP_Error(
				'aipkit_malformed_input',
				__( 'role_limits must map role names to limits.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'role_limits',
				]
			);
		}
		if ( count( $roles ) > self::max_roles() ) {
			return new WP_Error(
				'aipkit_too_many_roles',
				/* translators: %d: maximum number of role overrides */
				sprintf( __( 'A quota can override the limit of at most %d roles.', 'aipkit-usage' ), self::max_roles() ),
				[
					'status' => 400,
					'field'  => 'role_limits',
				]
			);
		}
		$out['role_limits'] = [];
		foreach ( $roles as $role => $limit ) {
			if ( ! is_string( $role ) || ! preg_match( '/^[a-z0-9_-]{1,64}$/', $role ) ) {
				return new WP_Error(
					'aipkit_invalid_role',
					__( 'Role names are lower-case letters, digits, _ or -.', 'aipkit-usage' ),
					[
						'status' => 400,
						'field'  => 'role_limits',
					]
				);
			}
			$v = Decimal::parse_limit( 'role_limits.' . $role, $limit );
			if ( is_wp_error( $v ) ) {
				return $v;
			}
			$out['role_limits'][ $role ] = $v;
		}
		$period = $in['period'] ?? 'never';
		if ( ! in_array( $period, (array) CoreConstants::get( 'periods', self::PERIODS ), true ) ) {
			return new WP_Error(
				'aipkit_invalid_period',
				__( 'period must be never, daily, weekly or monthly.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'period',
				]
			);
		}
		$message = $in['message'] ?? '';
		if ( ! is_string( $message ) || mb_strlen( $message ) > self::max_message() ) {
			return new WP_Error(
				'aipkit_invalid_message',
				/* translators: %d: maximum number of characters */
				sprintf( __( 'The quota message must be text of at most %d characters.', 'aipkit-usage' ), self::max_message() ),
				[
					'status' => 400,
					'field'  => 'message',
				]
			);
		}
		$out['period']  = $period;
		$out['message'] = sanitize_textarea_field( $message );
		return $out;
	}

	private static function resolve_exact( string $module, string $bot ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM ' . Tables::quota_rules() . ' WHERE module = %s AND bot_id = %s', $module, $bot ), ARRAY_A );
		return $row ? self::shape( $row ) : null;
	}

	private static function nullable( $v ): string {
		return null === $v ? 'NULL' : '%s';
	}

	private static function shape( array $r ): array {
		$roles = json_decode( (string) $r['role_limits'], true );
		return [
			'id'          => (int) $r['id'],
			'module'      => $r['module'],
			'bot_id'      => $r['bot_id'],
			'scope'       => '' === $r['bot_id'] ? $r['module'] : $r['module'] . ':' . $r['bot_id'],
			'guest_limit' => null === $r['guest_limit'] ? null : Decimal::db( $r['guest_limit'] ),
			'user_limit'  => null === $r['user_limit'] ? null : Decimal::db( $r['user_limit'] ),
			'role_limits' => is_array( $roles ) ? array_map( static fn( $v ) => null === $v ? null : (string) $v, $roles ) : [],
			'period'      => $r['period'],
			'message'     => (string) $r['message'],
			'updated_at'  => $r['updated_at'],
		];
	}
}
