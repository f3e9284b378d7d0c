<?php
namespace AipkitUsage\Rest;

use AipkitUsage\Billing\CoreConstants;
use AipkitUsage\Capabilities;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Plugin;
use AipkitUsage\Schema\Schema;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Routes about the core itself: POST aipkit/v1/preview (price a sample through FFI, shown next to
 * the browser's WASM result) and GET aipkit/v1/health (versions, ABI, schema).
 */
final class CoreController extends Controller {
	public function register_routes(): void {
		$rate  = [
			'type'      => [ 'string', 'null' ],
			'pattern'   => self::UNSIGNED_DECIMAL_PATTERN,
			'maxLength' => 22,
		];
		$count = [
			'type'    => 'integer',
			'minimum' => 0,
			'maximum' => 1000000000000,
			'default' => 0,
		];
		// What a rule and a usage both name: usage type, provider, model, with the core's vocabulary and
		// limits (the core checks them again; these only answer a bad argument before it is asked).
		$what = [
			'usage_type' => [
				'type'     => 'string',
				'enum'     => array_column( (array) CoreConstants::get( 'usage_types', [] ), 'value' ),
				'required' => true,
			],
			'provider'   => [
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => (int) CoreConstants::get( 'provider_max_bytes', 64 ),
				'required'  => true,
			],
			'model'      => [
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => (int) CoreConstants::get( 'model_max_chars', 128 ),
				'required'  => true,
			],
		];
		$this->route(
			'/preview',
			[
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'preview' ],
					'capability' => Capabilities::VIEW_USAGE,
					'args'       => [
						'rule'  => [
							'type'                 => 'object',
							'required'             => true,
							'additionalProperties' => false,
							'properties'           => $what + [
								'method'      => [
									'type'     => 'string',
									'enum'     => (array) CoreConstants::get( 'methods', [] ),
									'required' => true,
								],
								'input_rate'  => $rate,
								'output_rate' => $rate,
								'unit_rate'   => $rate,
							],
						],
						'usage' => [
							'type'                 => 'object',
							'required'             => true,
							'additionalProperties' => false,
							'properties'           => $what + [
								'input_tokens'  => $count,
								'output_tokens' => $count,
								'images'        => $count,
								'videos'        => $count,
							],
						],
					],
				],
			]
		);
		$this->route(
			'/health',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'health' ],
					'capability' => Capabilities::VIEW_USAGE,
				],
			]
		);
	}

	/** Prices `usage` with the single `rule` through the native core, exactly as a real request would be. */
	public function preview( WP_REST_Request $request ): \WP_REST_Response|\WP_Error {
		$gateway = Gateway::instance();
		$rule    = (array) $request->get_param( 'rule' );
		$usage   = (array) $request->get_param( 'usage' ) + [
			'input_tokens'  => 0,
			'output_tokens' => 0,
			'images'        => 0,
			'videos'        => 0,
		];
		$valid   = $gateway->validate_rule( [ 'rule' => $rule ] );
		if ( is_wp_error( $valid ) ) {
			return self::withFieldPrefix( $valid, 'rule' );
		}
		$quote = $gateway->quote(
			[
				'rules' => [ [ 'id' => 0 ] + $valid['rule'] ],
				'usage' => $usage,
			]
		);
		if ( is_wp_error( $quote ) ) {
			return self::withFieldPrefix( $quote, 'usage' );
		}
		return new \WP_REST_Response(
			[
				'rule'  => $valid['rule'],
				'quote' => $quote,
			]
		);
	}

	public function health(): \WP_REST_Response {
		$prereq  = Plugin::instance()->prerequisites();
		$version = Gateway::instance()->version();
		return new \WP_REST_Response(
			[
				'plugin_version'  => AIPKIT_USAGE_VERSION,
				'core_version'    => is_wp_error( $version ) ? null : ( $version['version'] ?? null ),
				'abi'             => is_wp_error( $version ) ? null : ( $version['abi'] ?? null ),
				'schema_version'  => Schema::installed_version(),
				'schema_expected' => Schema::VERSION,
				'core_available'  => $prereq->is_met(),
				'core_problem'    => $prereq->problem(),
			]
		);
	}

	/** Core errors name the field inside the sub-object; say which object too ("rule.input_rate"). */
	private static function withFieldPrefix( \WP_Error $error, string $prefix ): \WP_Error {
		$data = $error->get_error_data();
		if ( is_array( $data ) && ! empty( $data['field'] ) && ! str_starts_with( (string) $data['field'], $prefix . '.' ) ) {
			$data['field'] = $prefix . '.' . $data['field'];
			$error->add_data( $data );
		}
		return $error;
	}
}
