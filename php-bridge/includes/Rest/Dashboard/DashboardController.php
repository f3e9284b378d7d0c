<?php
namespace AipkitUsage\Rest\Dashboard;

use AipkitUsage\Capabilities;
use AipkitUsage\Dashboard\PageSetup;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * aipkit/v1/dashboard: the Customer dashboard page picker of Billing > WooCommerce (pages, the chosen
 * page and its warning, choose one, create one). manage_settings, like the settings it writes.
 */
final class DashboardController extends Controller {
	public function register_routes(): void {
		$cap = Capabilities::MANAGE_SETTINGS;
		$this->route(
			'/dashboard/pages',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'pages' ],
					'capability' => $cap,
					'args'       => [ 'search' => self::string_arg( 100, [ 'default' => '' ] ) ],
				],
			]
		);
		$this->route(
			'/dashboard/page',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'status' ],
					'capability' => $cap,
				],
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'choose' ],
					'capability' => $cap,
					'args'       => [ 'page_id' => self::int_arg( 0, PHP_INT_MAX, [ 'required' => true ] ) ],
				],
			]
		);
		$this->route(
			'/dashboard/page/create',
			[
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'create' ],
					'capability' => $cap,
				],
			]
		);
	}

	public function pages( WP_REST_Request $r ): \WP_REST_Response {
		return new \WP_REST_Response(
			[
				'items'  => PageSetup::pages( trim( (string) $r['search'] ) ),
				'status' => PageSetup::status(),
				'roles'  => self::roles(),
			]
		);
	}

	/** @return array<int,array{slug:string,name:string}> the site's roles, for the role access setting */
	private static function roles(): array {
		$out = [];
		foreach ( wp_roles()->get_names() as $slug => $name ) {
			$out[] = [
				'slug' => (string) $slug,
				'name' => translate_user_role( $name ),
			];
		}
		return $out;
	}

	public function status(): \WP_REST_Response {
		return new \WP_REST_Response( PageSetup::status() );
	}

	public function choose( WP_REST_Request $r ) {
		return self::respond( PageSetup::choose( (int) $r['page_id'] ) );
	}

	public function create() {
		return self::respond( PageSetup::create(), 201 );
	}
}
