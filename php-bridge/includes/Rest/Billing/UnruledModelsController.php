<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\UnruledModels;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** aipkit/v1/pricing/unruled-models: models charged in the last 30 days that no rule covers. */
final class UnruledModelsController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/pricing/unruled-models',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'index' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
			]
		);
	}

	public function index() {
		return new \WP_REST_Response(
			[
				'days'  => UnruledModels::DAYS,
				'items' => UnruledModels::list(),
			]
		);
	}
}
