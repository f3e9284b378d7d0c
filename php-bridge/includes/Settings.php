<?php
namespace AipkitUsage;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's settings, stored together in the option `aipkit_usage_settings`.
 * Typed getters are what the rest of the plugin reads; update() validates everything before
 * writing anything, so a bad value never leaves a half-applied change.
 */
final class Settings {
	public const OPTION = 'aipkit_usage_settings';

	public const ORDERS = [ 'balance_first', 'quota_first' ];

	/** When no quota rule applies to a module: usage is unlimited, or only the balance pays. */
	public const NO_QUOTA_RULE = [ 'unlimited', 'balance_only' ];

	/** @return array<string,mixed> */
	public static function defaults(): array {
		return [
			'consumption_order'                  => 'balance_first',
			'hold_lifetime_minutes'              => 15,
			'buy_credits_url'                    => '',
			'customer_dashboard_url'             => '',
			'delete_data_on_uninstall'           => false,
			// Metering (helper money): uncovered usage bound and what a module without a quota rule allows.
			'uncovered_limit'                    => '1.000000',
			'no_quota_rule'                      => 'unlimited',
			// WooCommerce credit packages (helper woo).
			'woocommerce_grant_statuses'         => [ 'completed' ],
			'woocommerce_allow_negative_balance' => false,
			// Customer dashboard ([aipkit_token_usage], helper "dashboard").
			'dashboard_page_id'                  => 0,
			'dashboard_roles'                    => [],
			'dashboard_my_account_tab'           => true,
			// Core backend (docs/core.md): auto = FFI when allowed, else the PHP core.
			'core_backend'                       => 'auto',
		];
	}

	/** Order statuses (without "wc-") an admin may choose to grant credits on. */
	public const GRANT_STATUSES = [ 'completed', 'processing' ];

	/**
	 * JSON schema of each setting; the REST controller uses it for arguments too.
	 *
	 * @return array<string,array<string,mixed>>
	 */
	public static function schema(): array {
		return [
			'consumption_order'                  => [
				'description' => __( 'Which covers usage first: the prepaid balance or the periodic quota.', 'aipkit-usage' ),
				'type'        => 'string',
				'enum'        => self::ORDERS,
			],
			'hold_lifetime_minutes'              => [
				'description' => __( 'Minutes an admission hold stays reserved before it expires.', 'aipkit-usage' ),
				'type'        => 'integer',
				'minimum'     => 1,
				'maximum'     => 1440,
			],
			'buy_credits_url'                    => [
				'description' => __( 'Default buy credits URL for dashboard buttons and quota messages.', 'aipkit-usage' ),
				'type'        => 'string',
				'maxLength'   => 2048,
			],
			'customer_dashboard_url'             => [
				'description' => __( 'Customer dashboard URL (the page holding [aipkit_token_usage]).', 'aipkit-usage' ),
				'type'        => 'string',
				'maxLength'   => 2048,
			],
			'core_backend'                       => [
				'description' => __( 'How the core runs: auto (FFI when PHP allows it, else the built-in PHP core), ffi or php. The constant AIPKIT_USAGE_BACKEND overrides it.', 'aipkit-usage' ),
				'type'        => 'string',
				'enum'        => [ 'auto', 'ffi', 'php' ],
			],
			'delete_data_on_uninstall'           => [
				'description' => __( 'Delete all tables (balances, ledger, quotas, pricing) when the plugin is uninstalled. Conversation logs are always deleted on uninstall: no privacy eraser could reach them afterwards.', 'aipkit-usage' ),
				'type'        => 'boolean',
			],
			'uncovered_limit'                    => [
				'description' => __( 'Credits of usage a user may run up beyond their balance and quota before further requests are refused (a decimal string).', 'aipkit-usage' ),
				'type'        => 'string',
				'maxLength'   => 32,
			],
			'no_quota_rule'                      => [
				'description' => __( 'When no quota rule applies to a module: unlimited usage, or the credit balance only.', 'aipkit-usage' ),
				'type'        => 'string',
				'enum'        => self::NO_QUOTA_RULE,
			],
			// WooCommerce credit packages (helper woo).
			'woocommerce_grant_statuses'         => [
				'description' => __( 'Order statuses that grant the credits of credit packages (Completed always; Processing may be added).', 'aipkit-usage' ),
				'type'        => 'array',
				'items'       => [
					'type' => 'string',
					'enum' => self::GRANT_STATUSES,
				],
			],
			'woocommerce_allow_negative_balance' => [
				'description' => __( 'Allow negative balance after refunds: a refund takes back all its credits even when the customer already spent them.', 'aipkit-usage' ),
				'type'        => 'boolean',
			],
			// Customer dashboard ([aipkit_token_usage], helper "dashboard").
			'dashboard_page_id'                  => [
				'description' => __( 'The page holding [aipkit_token_usage] (0 = none chosen).', 'aipkit-usage' ),
				'type'        => 'integer',
				'minimum'     => 0,
				'maximum'     => PHP_INT_MAX,
			],
			'dashboard_roles'                    => [
				'description' => __( 'Roles that may see the customer dashboard; empty = every logged-in user.', 'aipkit-usage' ),
				'type'        => 'array',
				'maxItems'    => 100,
				'items'       => [
					'type'      => 'string',
					'pattern'   => '^[a-z0-9_-]{1,64}$',
					'maxLength' => 64,
				],
			],
			'dashboard_my_account_tab'           => [
				'description' => __( 'Show the dashboard as a "Credits & Usage" tab in WooCommerce My Account.', 'aipkit-usage' ),
				'type'        => 'boolean',
			],
		];
	}

	/** @return array<string,mixed> */
	public static function all(): array {
		static $memo = [ null, [] ];
		$stored      = get_option( self::OPTION, [] );
		$stored      = is_array( $stored ) ? $stored : [];
		// Checked once per stored value: a metered request reads five settings.
		if ( $memo[0] === $stored ) {
			return $memo[1];
		}
		$out = self::defaults();
		// Only known keys, each re-checked: the option may have been edited by other code.
		foreach ( $out as $key => $default ) {
			if ( ! array_key_exists( $key, $stored ) ) {
				continue;
			}
			$checked = self::check( $key, $stored[ $key ] );
			if ( ! is_wp_error( $checked ) ) {
				$out[ $key ] = $checked;
			}
		}
		$memo = [ $stored, $out ];
		return $out;
	}

	public static function consumption_order(): string {
		return (string) self::all()['consumption_order'];
	}

	public static function hold_lifetime_minutes(): int {
		return (int) self::all()['hold_lifetime_minutes'];
	}

	public static function buy_credits_url(): string {
		return (string) self::all()['buy_credits_url'];
	}

	public static function customer_dashboard_url(): string {
		return (string) self::all()['customer_dashboard_url'];
	}

	public static function delete_data_on_uninstall(): bool {
		return (bool) self::all()['delete_data_on_uninstall'];
	}

	/** Canonical decimal string (6 places). */
	public static function uncovered_limit(): string {
		return (string) self::all()['uncovered_limit'];
	}

	public static function no_quota_rule(): string {
		return (string) self::all()['no_quota_rule'];
	}

	/** @return string[] order statuses (without "wc-") on which credit packages are granted */
	public static function woocommerce_grant_statuses(): array {
		return (array) self::all()['woocommerce_grant_statuses'];
	}

	public static function woocommerce_allow_negative_balance(): bool {
		return (bool) self::all()['woocommerce_allow_negative_balance'];
	}

	public static function dashboard_page_id(): int {
		return (int) self::all()['dashboard_page_id'];
	}

	/** @return string[] role slugs allowed to see the customer dashboard; empty = every logged-in user */
	public static function dashboard_roles(): array {
		return (array) self::all()['dashboard_roles'];
	}

	public static function dashboard_my_account_tab(): bool {
		return (bool) self::all()['dashboard_my_account_tab'];
	}

	/**
	 * Validates and stores the given keys; unknown keys and invalid values are refused as a whole.
	 *
	 * @param array<string,mixed> $changes
	 * @return array<string,mixed>|WP_Error the full settings after the update
	 */
	public static function update( array $changes ): array|WP_Error {
		$next = self::all();
		foreach ( $changes as $key => $value ) {
			if ( ! array_key_exists( $key, $next ) ) {
				/* translators: %s: setting name */
				return new WP_Error(
					'aipkit_unknown_setting',
					/* translators: %s: setting name */
					sprintf( __( 'Unknown setting: %s.', 'aipkit-usage' ), $key ),
					[
						'status' => 400,
						'field'  => $key,
					]
				);
			}
			$checked = self::check( $key, $value );
			if ( is_wp_error( $checked ) ) {
				return $checked;
			}
			$next[ $key ] = $checked;
		}
		update_option( self::OPTION, $next, true );
		return $next;
	}

	/** Normalises one value or explains (naming the field) why it is not acceptable. */
	private static function check( string $key, mixed $value ): mixed {
		$bad = static function ( string $message ) use ( $key ): WP_Error {
			return new WP_Error(
				'aipkit_invalid_setting',
				$message,
				[
					'status' => 400,
					'field'  => $key,
				]
			);
		};
		switch ( $key ) {
			case 'consumption_order':
				return in_array( $value, self::ORDERS, true ) ? $value : $bad( __( 'Consumption order must be balance_first or quota_first.', 'aipkit-usage' ) );
			case 'hold_lifetime_minutes':
				if ( is_int( $value ) || ( is_string( $value ) && ctype_digit( $value ) ) ) {
					$n = (int) $value;
					if ( $n >= 1 && $n <= 1440 ) {
						return $n;
					}
				}
				return $bad( __( 'Hold lifetime must be a whole number of minutes from 1 to 1440.', 'aipkit-usage' ) );
			case 'buy_credits_url':
			case 'customer_dashboard_url':
				if ( ! is_string( $value ) || strlen( $value ) > 2048 ) {
					return $bad( __( 'The URL must be text of at most 2048 characters.', 'aipkit-usage' ) );
				}
				$value = trim( $value );
				if ( '' === $value ) {
					return '';
				}
				// Check what the admin typed, not what esc_url_raw would make of it ("not a url" → "http://not%20a%20url").
				$parts = wp_parse_url( $value );
				if ( preg_match( '/[\s<>"]/', $value ) || ! is_array( $parts ) || empty( $parts['host'] )
					|| ! in_array( strtolower( (string) ( $parts['scheme'] ?? '' ) ), [ 'http', 'https' ], true ) ) {
					return $bad( __( 'The URL must be an http:// or https:// address.', 'aipkit-usage' ) );
				}
				$clean = esc_url_raw( $value, [ 'http', 'https' ] );
				if ( '' === $clean ) {
					return $bad( __( 'The URL must be an http:// or https:// address.', 'aipkit-usage' ) );
				}
				return $clean;
			case 'core_backend':
				return in_array( $value, [ 'auto', 'ffi', 'php' ], true ) ? $value : $bad( __( 'The core backend must be auto, ffi or php.', 'aipkit-usage' ) );
			case 'delete_data_on_uninstall':
			case 'woocommerce_allow_negative_balance':
			case 'dashboard_my_account_tab':
				return is_bool( $value ) ? $value : $bad( __( 'This setting must be true or false.', 'aipkit-usage' ) );
			case 'uncovered_limit':
				// Stored values are canonical already (every read re-checks them): no core call for those.
				if ( is_string( $value ) && preg_match( '/^\d{1,14}\.\d{6}$/', $value ) ) {
					return $value;
				}
				$limit = \AipkitUsage\Billing\Decimal::parse( $key, $value );
				return is_wp_error( $limit ) ? $bad( __( 'Uncovered usage limit must be a number of credits of at least 0, with at most 6 decimal places (for example "1" or "0.5").', 'aipkit-usage' ) ) : $limit;
			case 'no_quota_rule':
				return in_array( $value, self::NO_QUOTA_RULE, true ) ? $value : $bad( __( 'When no quota rule applies must be unlimited or balance only.', 'aipkit-usage' ) );
			case 'woocommerce_grant_statuses':
				if ( ! is_array( $value ) || array_diff( $value, self::GRANT_STATUSES ) ) {
					return $bad( __( 'Grant statuses may be Completed and Processing only.', 'aipkit-usage' ) );
				}
				// Completed always grants: an order that is finished must have its credits.
				return array_values( array_intersect( self::GRANT_STATUSES, array_merge( [ 'completed' ], $value ) ) );
			case 'dashboard_page_id':
				if ( ( is_int( $value ) || ( is_string( $value ) && ctype_digit( $value ) ) ) && (int) $value >= 0 ) {
					return (int) $value;
				}
				return $bad( __( 'The dashboard page must be a page id (0 for none).', 'aipkit-usage' ) );
			case 'dashboard_roles':
				if ( ! is_array( $value ) || count( $value ) > 100 ) {
					return $bad( __( 'Dashboard roles must be a list of role names.', 'aipkit-usage' ) );
				}
				$roles = [];
				foreach ( $value as $role ) {
					if ( ! is_string( $role ) || ! preg_match( '/^[a-z0-9_-]{1,64}$/', $role ) ) {
						return $bad( __( 'Dashboard roles must be a list of role names.', 'aipkit-usage' ) );
					}
					$roles[ $role ] = true;
				}
				return array_keys( $roles );
		}
		return $bad( __( 'Unknown setting.', 'aipkit-usage' ) );
	}
}
