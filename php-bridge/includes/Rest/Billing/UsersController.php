<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\UserSearch;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** aipkit/v1/users: the user picker's search-as-you-type (name, email, login). */
final class UsersController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/users',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'index' ],
					'capability' => Capabilities::VIEW_USAGE,
					'args'       => [
						'search' => self::string_arg( 100, [ 'default' => '' ] ),
						'id'     => self::int_arg( 0, PHP_INT_MAX, [ 'default' => 0 ] ),
					],
				],
			]
		);
	}

	public function index( WP_REST_Request $r ) {
		$id = (int) $r['id'];
		return new \WP_REST_Response( [ 'items' => UserSearch::find( (string) $r['search'], $id > 0 ? [ $id ] : [] ) ] );
	}
}
