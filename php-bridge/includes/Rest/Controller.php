<?php
namespace AipkitUsage\Rest;

use WP_Error;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/**
 * Base of every aipkit/v1 controller.
 *
 * Conventions (docs/plugin.md):
 * - every endpoint names the capability it needs; the permission callback is built from it and a
 *   route without one is refused at registration (no __return_true, ever);
 * - arguments carry a JSON schema (type, enum, min/max, maxLength, pattern) that WordPress
 *   validates and sanitises before the callback runs: bad input → 400 rest_invalid_param naming the field;
 * - money travels as decimal strings: use decimal_arg();
 * - errors are WP_Error with an HTTP status and, when about one input, data.field.
 */
abstract class Controller {
	public const NAMESPACE = 'aipkit/v1';

	/** Credit amounts: up to 14 integer digits and 6 decimals, optional sign (contract §1). */
	public const DECIMAL_PATTERN = '^-?\d{1,14}(\.\d{1,6})?$';

	/** The same without a sign, for amounts that can never be negative. */
	public const UNSIGNED_DECIMAL_PATTERN = '^\d{1,14}(\.\d{1,6})?$';

	public function register(): void {
		add_action( 'rest_api_init', [ $this, 'register_routes' ] );
		// Same callable from every controller: WordPress adds it once.
		add_filter( 'rest_request_before_callbacks', [ self::class, 'permission_before_validation' ], 10, 3 );
	}

	/**
	 * WordPress validates arguments before it asks the permission callback, so a user without the
	 * capability would get 400 (and learn the argument schema) instead of 403. For our routes, a
	 * validation error is replaced by the permission error when the user is not allowed anyway.
	 *
	 * @param mixed $response WP_Error from argument validation, or null.
	 * @param array $handler
	 */
	public static function permission_before_validation( $response, $handler, $request ) {
		if ( ! is_wp_error( $response ) || ! $request instanceof WP_REST_Request
			|| ! str_starts_with( (string) $request->get_route(), '/' . self::NAMESPACE . '/' )
			|| empty( $handler['permission_callback'] ) || ! is_callable( $handler['permission_callback'] ) ) {
			return $response;
		}
		$allowed = call_user_func( $handler['permission_callback'], $request );
		if ( true === $allowed ) {
			return $response;
		}
		return is_wp_error( $allowed ) ? $allowed : new WP_Error(
			'rest_forbidden',
			__( 'Sorry, you are not allowed to do that.', 'aipkit-usage' ),
			[ 'status' => rest_authorization_required_code() ]
		);
	}

	abstract public function register_routes(): void;

	/**
	 * Registers a route. Each endpoint: methods, callback, capability (required), args (optional),
	 * and any other register_rest_route option.
	 *
	 * @param array<int,array<string,mixed>> $endpoints
	 */
	protected function route( string $path, array $endpoints, array $schema = [] ): void {
		$prepared = [];
		foreach ( $endpoints as $endpoint ) {
			if ( empty( $endpoint['capability'] ) || ! is_string( $endpoint['capability'] ) ) {
				throw new \LogicException( esc_html( 'aipkit/v1' . $path . ': every endpoint must name the capability it requires.' ) );
			}
			$cap                             = $endpoint['capability'];
			$endpoint['permission_callback'] = static function () use ( $cap ) {
				return self::authorize( $cap );
			};
			$endpoint['args']              ??= [];
			unset( $endpoint['capability'] );
			$prepared[] = $endpoint;
		}
		if ( $schema ) {
			$prepared['schema'] = static fn() => $schema;
		}
		register_rest_route( self::NAMESPACE, $path, $prepared );
	}

	/** True, or the 401 (logged out) / 403 (lacks the capability) error WordPress clients expect. */
	public static function authorize( string $cap ): bool|WP_Error {
		if ( current_user_can( $cap ) ) {
			return true;
		}
		return new WP_Error(
			'rest_forbidden',
			__( 'Sorry, you are not allowed to do that.', 'aipkit-usage' ),
			[ 'status' => rest_authorization_required_code() ]
		);
	}

	/** Argument schema for a decimal-string credit amount. */
	public static function decimal_arg( bool $signed = false, array $extra = [] ): array {
		return array_merge(
			[
				'type'        => 'string',
				'pattern'     => $signed ? self::DECIMAL_PATTERN : self::UNSIGNED_DECIMAL_PATTERN,
				'maxLength'   => 22,
				'description' => $signed
					? __( 'Signed decimal string with up to 6 decimals, e.g. "-1.5".', 'aipkit-usage' )
					: __( 'Decimal string with up to 6 decimals, e.g. "1.4".', 'aipkit-usage' ),
			],
			$extra
		);
	}

	/** Argument schema for bounded text. */
	public static function string_arg( int $max_length, array $extra = [] ): array {
		return array_merge(
			[
				'type'      => 'string',
				'maxLength' => $max_length,
			],
			$extra
		);
	}

	/** Argument schema for one of a fixed set of strings. */
	public static function enum_arg( array $values, array $extra = [] ): array {
		return array_merge(
			[
				'type' => 'string',
				'enum' => array_values( $values ),
			],
			$extra
		);
	}

	/** Argument schema for a bounded integer. */
	public static function int_arg( int $min, int $max, array $extra = [] ): array {
		return array_merge(
			[
				'type'    => 'integer',
				'minimum' => $min,
				'maximum' => $max,
			],
			$extra
		);
	}

	/** A 400 error about one input field. */
	public static function invalid( string $field, string $message, string $code = 'aipkit_invalid_param' ): WP_Error {
		return new WP_Error(
			$code,
			$message,
			[
				'status' => 400,
				'field'  => $field,
				'params' => [ $field => $message ],
			]
		);
	}

	/** Passes a WP_Error through, wraps anything else as a REST response. */
	protected static function respond( mixed $result, int $status = 200 ): \WP_REST_Response|WP_Error {
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return new \WP_REST_Response( $result, $status );
	}
}
