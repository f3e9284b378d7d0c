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

	/** @return array<string,mixed> */
	public static function defaults(): array {
		return [
			'consumption_order'        => 'balance_first',
			'hold_lifetime_minutes'    => 15,
			'buy_credits_url'          => '',
			'customer_dashboard_url'   => '',
			'delete_data_on_uninstall' => false,
			// Core backend (docs/core.md): auto = FFI when allowed, else the PHP core.
			'core_backend'             => 'auto',
		];
	}

	/**
	 * JSON schema of each setting; the REST controller uses it for arguments too.
	 *
	 * @return array<string,array<string,mixed>>
	 */
	public static function schema(): array {
		return [
			'consumption_order'        => [
				'description' => __( 'Which covers usage first: the prepaid balance or the periodic quota.', 'aipkit-usage' ),
				'type'        => 'string',
				'enum'        => self::ORDERS,
			],
			'hold_lifetime_minutes'    => [
				'description' => __( 'Minutes an admission hold stays reserved before it expires.', 'aipkit-usage' ),
				'type'        => 'integer',
				'minimum'     => 1,
				'maximum'     => 1440,
			],
			'buy_credits_url'          => [
				'description' => __( 'Default buy credits URL for dashboard buttons and quota messages.', 'aipkit-usage' ),
				'type'        => 'string',
				'maxLength'   => 2048,
			],
			'customer_dashboard_url'   => [
				'description' => __( 'Customer dashboard URL (the page holding [aipkit_token_usage]).', 'aipkit-usage' ),
				'type'        => 'string',
				'maxLength'   => 2048,
			],
			'core_backend'             => [
				'description' => __( 'How the core runs: auto (FFI when PHP allows it, else the built-in PHP core), ffi or php. The constant AIPKIT_USAGE_BACKEND overrides it.', 'aipkit-usage' ),
				'type'        => 'string',
				'enum'        => [ 'auto', 'ffi', 'php' ],
			],
			'delete_data_on_uninstall' => [
				'description' => __( 'Delete all tables (logs, balances, ledger) when the plugin is uninstalled.', 'aipkit-usage' ),
				'type'        => 'boolean',
			],
		];
	}

	/** @return array<string,mixed> */
	public static function all(): array {
		$stored = get_option( self::OPTION, [] );
		$stored = is_array( $stored ) ? $stored : [];
		$out    = self::defaults();
		// Only known keys, each re-checked: the option may have been edited by other code.
		foreach ( $out as $key => $default ) {
			if ( array_key_exists( $key, $stored ) && ! is_wp_error( self::check( $key, $stored[ $key ] ) ) ) {
				$out[ $key ] = self::check( $key, $stored[ $key ] );
			}
		}
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
				return is_bool( $value ) ? $value : $bad( __( 'This setting must be true or false.', 'aipkit-usage' ) );
		}
		return $bad( __( 'Unknown setting.', 'aipkit-usage' ) );
	}
}
