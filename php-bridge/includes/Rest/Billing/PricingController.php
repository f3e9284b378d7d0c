<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\ModelCatalog;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * aipkit/v1/pricing-rules (CRUD) and aipkit/v1/models (catalog for the rule form).
 * Rule fields are validated by the core so every bad rate, method or usage type names its field.
 */
final class PricingController extends Controller {
	private const FIELDS = [ 'usage_type', 'provider', 'model', 'method', 'input_rate', 'output_rate', 'unit_rate', 'enabled' ];

	public function register_routes(): void {
		$this->route(
			'/pricing-rules',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'index' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'create' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
			]
		);
		$this->route(
			'/pricing-rules/(?P<id>\d+)',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'show' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
				[
					'methods'    => WP_REST_Server::EDITABLE,
					'callback'   => [ $this, 'update' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
				[
					'methods'    => WP_REST_Server::DELETABLE,
					'callback'   => [ $this, 'delete' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
			]
		);
		$this->route(
			'/models',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'models' ],
					'capability' => Capabilities::MANAGE_PRICING,
					'args'       => [
						'refresh' => [
							'type'    => 'boolean',
							'default' => false,
						],
					],
				],
			]
		);
	}

	public function index(): \WP_REST_Response {
		return new \WP_REST_Response( PricingRules::all() );
	}

	public function show( WP_REST_Request $r ) {
		$rule = PricingRules::get( (int) $r['id'] );
		return $rule ? new \WP_REST_Response( $rule ) : new \WP_Error(
			'aipkit_rule_not_found',
			__( 'Pricing rule not found.', 'aipkit-usage' ),
			[
				'status' => 404,
				'field'  => 'id',
			]
		);
	}

	public function create( WP_REST_Request $r ) {
		return self::respond( PricingRules::create( self::input( $r ), get_current_user_id() ), 201 );
	}

	public function update( WP_REST_Request $r ) {
		return self::respond( PricingRules::update( (int) $r['id'], self::input( $r ), get_current_user_id() ) );
	}

	public function delete( WP_REST_Request $r ) {
		$res = PricingRules::delete( (int) $r['id'] );
		return self::respond(
			is_wp_error( $res ) ? $res : [
				'deleted' => true,
				'id'      => (int) $r['id'],
			]
		);
	}

	public function models( WP_REST_Request $r ): \WP_REST_Response {
		if ( $r['refresh'] ) {
			ModelCatalog::forget_seen(); // "Refresh models": re-read the logs and ledger now
		}
		return new \WP_REST_Response(
			[
				'providers' => ModelCatalog::all(),
				'bots'      => ModelCatalog::bots(),
			]
		);
	}

	private static function input( WP_REST_Request $r ): array {
		$body = $r->get_json_params();
		$src  = is_array( $body ) && $body ? $body : $r->get_body_params();
		$out  = [];
		foreach ( self::FIELDS as $f ) {
			if ( array_key_exists( $f, $src ) ) {
				$out[ $f ] = $src[ $f ];
			}
		}
		return $out;
	}
}
