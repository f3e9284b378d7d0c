<?php
namespace AipkitUsage\Rest\Logs;

use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\LogDeleter;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/**
 * Delete by filters, driven by the screen: GET /logs/count says what will go (and pins max_id),
 * then POST /logs/delete is called repeatedly, one bounded batch each, until done.
 */
final class DeleteController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/logs/count',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'count' ],
					'capability' => 'aipkit_delete_logs',
				],
			]
		);
		$this->route(
			'/logs/delete',
			[
				[
					'methods'    => 'POST',
					'callback'   => [ $this, 'delete' ],
					'capability' => 'aipkit_delete_logs',
					'args'       => [
						'max_id' => [
							'type'     => 'integer',
							'minimum'  => 0,
							'required' => true,
						],
						'after'  => [
							'type'    => 'integer',
							'minimum' => 0,
							'default' => 0,
						],
					],
				],
			]
		);
	}

	public function count( WP_REST_Request $r ) {
		$f = Filters::from_request( $r->get_query_params() );
		if ( is_wp_error( $f ) ) {
			return $f;
		}
		return self::respond( LogDeleter::count( $f ) );
	}

	public function delete( WP_REST_Request $r ) {
		$params = array_merge( $r->get_query_params(), (array) $r->get_body_params(), (array) $r->get_json_params() );
		$f      = Filters::from_request( $params );
		if ( is_wp_error( $f ) ) {
			return $f;
		}
		return self::respond( LogDeleter::batch( $f, (int) $r['max_id'], (int) $r['after'] ) );
	}
}
