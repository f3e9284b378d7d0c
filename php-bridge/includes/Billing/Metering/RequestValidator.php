<?php
namespace AipkitUsage\Billing\Metering;

use AipkitUsage\Billing\CoreConstants;
use WP_Error;

/**
 * Shape checks of what a module passes to authorize / settle / release, before anything is locked:
 * bad input is a 400 naming the field and changes nothing.
 */
final class RequestValidator {
	public const COUNTS = [ 'input_tokens', 'output_tokens', 'images', 'videos' ];

	/** Text beyond this is refused before it reaches the core, which checks the exact limits (model 128 characters, provider 64). */
	private const MAX_TEXT = 1024;

	/** @return array|WP_Error the normalised request */
	public static function authorize( array $r ) {
		$module = $r['module'] ?? '';
		if ( ! is_string( $module ) || ! preg_match( CoreConstants::pattern( 'module_pattern', '^[a-z0-9_-]{1,32}$' ), $module ) ) {
			return self::error( 'aipkit_invalid_module', 'module', __( 'module must be 1–32 characters of a-z, 0-9, _ or -.', 'aipkit-usage' ) );
		}
		$bot = $r['bot_id'] ?? '';
		if ( is_int( $bot ) ) {
			$bot = (string) $bot;
		}
		if ( ! is_string( $bot ) || ! preg_match( CoreConstants::pattern( 'bot_id_pattern', '^[A-Za-z0-9_.-]{0,64}$' ), $bot ) ) {
			return self::error( 'aipkit_invalid_bot', 'bot_id', __( 'bot_id must be at most 64 characters of letters, digits, _ . or -.', 'aipkit-usage' ) );
		}
		foreach ( [ 'usage_type', 'provider', 'model' ] as $f ) {
			if ( ! isset( $r[ $f ] ) || ! is_string( $r[ $f ] ) || '' === trim( $r[ $f ] ) || strlen( $r[ $f ] ) > self::MAX_TEXT ) {
				return self::error(
					'aipkit_malformed_input',
					$f,
					/* translators: %s: field name */
					sprintf( __( '%s is required.', 'aipkit-usage' ), $f )
				);
			}
		}
		$uid = $r['user_id'] ?? null;
		if ( ! is_int( $uid ) || $uid < 0 ) {
			return self::error( 'aipkit_malformed_input', 'user_id', __( 'user_id must be a user id, or 0 for a guest.', 'aipkit-usage' ) );
		}
		if ( $uid > 0 && ! get_userdata( $uid ) ) {
			$e = self::error(
				'aipkit_unknown_user',
				'user_id',
				/* translators: %d: user id */
				sprintf( __( 'User #%d does not exist.', 'aipkit-usage' ), $uid )
			);
			$e->add_data(
				[
					'status' => 404,
					'field'  => 'user_id',
				]
			);
			return $e;
		}
		$rid = $r['request_id'] ?? '';
		if ( ! is_string( $rid ) || ! preg_match( CoreConstants::pattern( 'request_id_pattern', '^[A-Za-z0-9_.-]{1,64}$' ), $rid ) ) {
			return self::error( 'aipkit_invalid_key_part', 'request_id', __( 'request_id must be 1–64 characters of letters, digits, _ . or -.', 'aipkit-usage' ) );
		}
		$est = self::counts( is_array( $r['estimate'] ?? null ) ? $r['estimate'] : [], 'estimate' );
		if ( is_wp_error( $est ) ) {
			return $est;
		}
		return [
			'module'     => $module,
			'bot_id'     => $bot,
			'usage_type' => $r['usage_type'],
			'provider'   => strtolower( trim( $r['provider'] ) ),
			'model'      => trim( $r['model'] ),
			'user_id'    => $uid,
			'request_id' => $rid,
			'estimate'   => $est,
		];
	}

	/** @return array<string,int>|WP_Error whole counts 0–10^12 (missing = 0) */
	public static function counts( array $in, string $prefix ) {
		$out = [];
		foreach ( self::COUNTS as $k ) {
			$v = $in[ $k ] ?? 0;
			if ( is_string( $v ) && preg_match( '/^\d{1,13}$/', $v ) ) {
				$v = (int) $v;
			}
			if ( ! is_int( $v ) || $v < 0 || $v > (int) CoreConstants::get( 'count_max', 1000000000000 ) ) {
				return self::error(
					'aipkit_invalid_count',
					"$prefix.$k",
					/* translators: %s: field name */
					sprintf( __( '%s must be a whole number from 0 to 10^12.', 'aipkit-usage' ), "$prefix.$k" )
				);
			}
			$out[ $k ] = $v;
		}
		return $out;
	}

	/** @return int|WP_Error the hold id from an id or an authorize result */
	public static function hold_id( $hold ) {
		$id = is_array( $hold ) ? ( $hold['hold_id'] ?? null ) : $hold;
		if ( ! is_numeric( $id ) || (int) $id <= 0 || (string) (int) $id !== (string) $id ) {
			$e = self::error( 'aipkit_hold_not_found', 'hold', __( 'hold must be a hold id or the array aipkit_usage_authorize() returned.', 'aipkit-usage' ) );
			$e->add_data(
				[
					'status' => 404,
					'field'  => 'hold',
				]
			);
			return $e;
		}
		return (int) $id;
	}

	private static function error( string $code, string $field, string $message ): WP_Error {
		return new WP_Error(
			$code,
			$message,
			[
				'status' => 400,
				'field'  => $field,
			]
		);
	}
}
