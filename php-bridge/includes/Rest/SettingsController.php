<?php
namespace AipkitUsage\Rest;

use AipkitUsage\Capabilities;
use AipkitUsage\Settings;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** GET/POST aipkit/v1/settings: the plugin settings (manage_settings). */
final class SettingsController extends Controller {
	public function register_routes(): void {
		$args = [];
		foreach ( Settings::schema() as $key => $schema ) {
			$args[ $key ] = $schema + [ 'required' => false ];
		}
		// WordPress reads "1e3" or "15.0" as the integer 1000 or 15; a count of minutes is digits only.
		$args['hold_lifetime_minutes']['validate_callback'] = static function ( $value, $request, $param ) {
			if ( is_float( $value ) || ( is_string( $value ) && ! ctype_digit( $value ) ) ) {
				return self::invalid( $param, __( 'Hold lifetime must be a whole number of minutes from 1 to 1440.', 'aipkit-usage' ), 'aipkit_invalid_setting' );
			}
			return rest_validate_request_arg( $value, $request, $param );
		};
		$this->route(
			'/settings',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'get' ],
					'capability' => Capabilities::MANAGE_SETTINGS,
				],
				[
					'methods'    => WP_REST_Server::EDITABLE,
					'callback'   => [ $this, 'update' ],
					'capability' => Capabilities::MANAGE_SETTINGS,
					'args'       => $args,
				],
			],
			[
				'$schema'    => 'http://json-schema.org/draft-04/schema#',
				'title'      => 'aipkit-usage-settings',
				'type'       => 'object',
				'properties' => Settings::schema(),
			]
		);
	}

	public function get(): \WP_REST_Response {
		return new \WP_REST_Response( Settings::all() );
	}

	public function update( WP_REST_Request $request ): \WP_REST_Response|\WP_Error {
		$changes = [];
		foreach ( array_keys( Settings::defaults() ) as $key ) {
			if ( $request->has_param( $key ) ) {
				$changes[ $key ] = $request->get_param( $key );
			}
		}
		// Unknown keys in a JSON body are refused rather than silently dropped: a typo must not look saved.
		$body = $request->get_json_params();
		if ( is_array( $body ) ) {
			foreach ( array_keys( $body ) as $key ) {
				if ( ! array_key_exists( $key, Settings::defaults() ) ) {
					/* translators: %s: setting name */
					return self::invalid( (string) $key, sprintf( __( 'Unknown setting: %s.', 'aipkit-usage' ), $key ), 'aipkit_unknown_setting' );
				}
			}
		}
		return self::respond( Settings::update( $changes ) );
	}
}
