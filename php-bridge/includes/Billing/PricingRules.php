<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- SQL is composed only of the plugin's own table names (Tables::*), integer id lists (intval) and fragments built by $wpdb->prepare(); every value goes through prepare(). WordPress 6.1 has no %i for identifiers.

/**
 * Storage of pricing rules. The core validates and normalises every rule; the database enforces
 * "one enabled rule per usage type/provider/model" with UNIQUE(usage_type, provider, model, active_slot).
 */
final class PricingRules {
	private const FIELDS = [ 'usage_type', 'provider', 'model', 'method', 'input_rate', 'output_rate', 'unit_rate' ];

	/**
	 * Per-request cache of enabled rules, keyed by table: on multisite one request can switch between
	 * sites (switch_to_blog), and each site has its own rules. Cleared on every write.
	 */
	private static array $enabled = [];

	private const CACHE_GROUP = 'aipkit_usage_rules';

	/** Bumped by flush(): candidates() memo keys of older generations are never read again. */
	private static int $generation = 0;

	public static function all(): array {
		global $wpdb;
		$rows = $wpdb->get_results( 'SELECT * FROM ' . Tables::pricing_rules() . ' ORDER BY usage_type, provider, model, id', ARRAY_A );
		return array_map( [ self::class, 'shape' ], (array) $rows );
	}

	public static function get( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM ' . Tables::pricing_rules() . ' WHERE id = %d', $id ), ARRAY_A );
		return $row ? self::shape( $row ) : null;
	}

	/** Enabled rules in the shape the core's quote op takes. */
	public static function enabled(): array {
		$table = Tables::pricing_rules();
		if ( ! isset( self::$enabled[ $table ] ) ) {
			global $wpdb;
			$rows                    = (array) $wpdb->get_results( 'SELECT id, usage_type, provider, model, method, input_rate, output_rate, unit_rate FROM ' . $table . ' WHERE enabled = 1', ARRAY_A );
			self::$enabled[ $table ] = array_map( [ self::class, 'core_rule' ], $rows );
		}
		return self::$enabled[ $table ];
	}

	/**
	 * The only rules the core could match for this usage: same usage type and provider, the exact
	 * model or `*`. One lookup on UNIQUE active_rule (usage_type, provider, model, active_slot),
	 * memoised per request (object cache). SQL compares case-insensitively, so this is a superset of what the core
	 * matches; the core still decides.
	 */
	public static function candidates( string $usage_type, string $provider, string $model ): array {
		$table    = Tables::pricing_rules();
		$provider = strtolower( trim( $provider ) );
		$model    = trim( $model );
		$key      = self::$generation . "\0" . $table . "\0" . $usage_type . "\0" . $provider . "\0" . $model;
		// Non-persistent object-cache group: per request, and emptied by wp_cache_flush() (tests
		// roll back rules between cases); flush() moves to a new generation of keys.
		$rules = wp_cache_get( $key, self::CACHE_GROUP );
		if ( false === $rules ) {
			global $wpdb;
			$rows  = (array) $wpdb->get_results(
				$wpdb->prepare(
					"SELECT id, usage_type, provider, model, method, input_rate, output_rate, unit_rate FROM $table
					 WHERE usage_type = %s AND provider = %s AND model IN (%s, '*') AND active_slot = 1",
					$usage_type,
					$provider,
					$model
				),
				ARRAY_A
			);
			$rules = array_map( [ self::class, 'core_rule' ], $rows );
			wp_cache_add_non_persistent_groups( [ self::CACHE_GROUP ] );
			wp_cache_set( $key, $rules, self::CACHE_GROUP );
		}
		return $rules;
	}

	private static function core_rule( array $r ): array {
		return [
			'id'          => (int) $r['id'],
			'usage_type'  => $r['usage_type'],
			'provider'    => $r['provider'],
			'model'       => $r['model'],
			'method'      => $r['method'],
			'input_rate'  => $r['input_rate'],
			'output_rate' => $r['output_rate'],
			'unit_rate'   => $r['unit_rate'],
		];
	}

	public static function flush(): void {
		self::$enabled = [];
		++self::$generation;
	}

	/** @return array|WP_Error the stored rule */
	public static function create( array $input, int $actor ) {
		$rule = self::validate( $input );
		if ( is_wp_error( $rule ) ) {
			return $rule;
		}
		$enabled = array_key_exists( 'enabled', $input ) ? self::bool( $input['enabled'] ) : true;
		if ( is_wp_error( $enabled ) ) {
			return $enabled;
		}
		global $wpdb;
		$now = current_time( 'mysql', true );
		$ok  = $wpdb->insert(
			Tables::pricing_rules(),
			$rule + [
				'enabled'     => $enabled ? 1 : 0,
				'active_slot' => $enabled ? 1 : null,
				'created_at'  => $now,
				'updated_at'  => $now,
				'updated_by'  => $actor,
			]
		);
		self::flush();
		if ( false === $ok ) {
			return self::write_error( $rule );
		}
		return self::get( (int) $wpdb->insert_id );
	}

	/** Partial update: absent fields keep their stored value; the merged rule is validated again. */
	public static function update( int $id, array $input, int $actor ) {
		$current = self::get( $id );
		if ( ! $current ) {
			return self::not_found( $id );
		}
		$merged = $current;
		foreach ( self::FIELDS as $f ) {
			if ( array_key_exists( $f, $input ) ) {
				$merged[ $f ] = $input[ $f ];
			}
		}
		$rule = self::validate( $merged );
		if ( is_wp_error( $rule ) ) {
			return $rule;
		}
		$enabled = array_key_exists( 'enabled', $input ) ? self::bool( $input['enabled'] ) : $current['enabled'];
		if ( is_wp_error( $enabled ) ) {
			return $enabled;
		}
		global $wpdb;
		$ok = $wpdb->update(
			Tables::pricing_rules(),
			$rule + [
				'enabled'     => $enabled ? 1 : 0,
				'active_slot' => $enabled ? 1 : null,
				'updated_at'  => current_time( 'mysql', true ),
				'updated_by'  => $actor,
			],
			[ 'id' => $id ]
		);
		self::flush();
		if ( false === $ok ) {
			return self::write_error( $rule );
		}
		return self::get( $id );
	}

	/** Deleting a rule never touches history: ledger rows carry their own rule snapshot. */
	public static function delete( int $id ) {
		global $wpdb;
		$n = $wpdb->delete( Tables::pricing_rules(), [ 'id' => $id ], [ '%d' ] );
		self::flush();
		if ( ! $n ) {
			return self::not_found( $id );
		}
		return true;
	}

	/** @return array|WP_Error normalised rule columns */
	public static function validate( array $input ) {
		$rule = [];
		foreach ( self::FIELDS as $f ) {
			$v = $input[ $f ] ?? null;
			if ( is_int( $v ) ) {
				$v = (string) $v;
			}
			if ( null !== $v && ! is_string( $v ) ) {
				$code = in_array( $f, [ 'input_rate', 'output_rate', 'unit_rate' ], true ) ? 'aipkit_invalid_rate' : 'aipkit_malformed_input';
				return new WP_Error(
					$code,
					sprintf( /* translators: %s: field */ __( '%s must be a string (rates are decimal strings such as "1.5").', 'aipkit-usage' ), $f ),
					[
						'status' => 400,
						'field'  => $f,
					]
				);
			}
			if ( '' === $v && in_array( $f, [ 'input_rate', 'output_rate', 'unit_rate' ], true ) ) {
				$v = null;
			}
			if ( null !== $v ) {
				$rule[ $f ] = $v;
			}
		}
		foreach ( [ 'usage_type', 'provider', 'model', 'method' ] as $f ) {
			if ( ! isset( $rule[ $f ] ) ) {
				return new WP_Error(
					'aipkit_malformed_input',
					/* translators: %s: the missing field's name */
					sprintf( __( '%s is required.', 'aipkit-usage' ), $f ),
					[
						'status' => 400,
						'field'  => $f,
					]
				);
			}
		}
		$r = Gateway::instance()->validate_rule( [ 'rule' => $rule ] );
		if ( is_wp_error( $r ) ) {
			// The core names fields by their path in its request ("rule.unit_rate"); the REST client sent "unit_rate".
			$data = (array) $r->get_error_data();
			if ( isset( $data['field'] ) && is_string( $data['field'] ) ) {
				$data['field'] = preg_replace( '/^rule\./', '', $data['field'] );
			}
			return ErrorMessages::translate( new WP_Error( $r->get_error_code(), $r->get_error_message(), $data ) );
		}
		$n = $r['rule'];
		return [
			'usage_type'  => $n['usage_type'],
			'provider'    => $n['provider'],
			'model'       => $n['model'],
			'method'      => $n['method'],
			'input_rate'  => $n['input_rate'] ?? null,
			'output_rate' => $n['output_rate'] ?? null,
			'unit_rate'   => $n['unit_rate'] ?? null,
		];
	}

	private static function write_error( array $rule ): WP_Error {
		global $wpdb;
		if ( str_contains( (string) $wpdb->last_error, 'Duplicate entry' ) ) {
			$other = (int) $wpdb->get_var(
				$wpdb->prepare(
					'SELECT id FROM ' . Tables::pricing_rules() . ' WHERE usage_type = %s AND provider = %s AND model = %s AND active_slot = 1',
					$rule['usage_type'],
					$rule['provider'],
					$rule['model']
				)
			);
			return new WP_Error(
				'aipkit_duplicate_rule',
				sprintf(
					/* translators: 1: usage type, 2: provider, 3: model, 4: rule id */
					__( 'An enabled pricing rule for %1$s / %2$s / %3$s already exists (rule #%4$d). Edit or disable that rule instead.', 'aipkit-usage' ),
					$rule['usage_type'],
					$rule['provider'],
					$rule['model'],
					$other
				),
				[
					'status'  => 409,
					'field'   => 'model',
					'rule_id' => $other,
				]
			);
		}
		return new WP_Error( 'aipkit_db_error', __( 'The pricing rule could not be saved.', 'aipkit-usage' ), [ 'status' => 500 ] );
	}

	private static function not_found( int $id ): WP_Error {
		return new WP_Error(
			'aipkit_rule_not_found',
			/* translators: %d: pricing rule id */
			sprintf( __( 'Pricing rule #%d does not exist.', 'aipkit-usage' ), $id ),
			[
				'status' => 404,
				'field'  => 'id',
			]
		);
	}

	/** true/false (or 1/0, "true"/"false", …); anything else is refused, never read as false. @return bool|WP_Error */
	private static function bool( $v ) {
		$b = is_bool( $v ) ? $v : filter_var( $v, FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE );
		if ( null === $b || ( is_string( $v ) && '' === trim( $v ) ) ) {
			return new WP_Error(
				'aipkit_invalid_enabled',
				__( 'enabled must be true or false.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'enabled',
				]
			);
		}
		return $b;
	}

	/** The REST view of a row: what the core sees, plus its state and history. */
	private static function shape( array $r ): array {
		return self::core_rule( $r ) + [
			'enabled'    => (bool) (int) $r['enabled'],
			'created_at' => $r['created_at'],
			'updated_at' => $r['updated_at'],
			'updated_by' => (int) $r['updated_by'],
		];
	}
}
