<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\Reconciler;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** aipkit/v1/reconcile: balances that differ from the sum of their ledger entries. */
final class ReconcileController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/reconcile',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'run' ],
					'capability' => Capabilities::MANAGE_BALANCES,
				],
			]
		);
	}

	public function run() {
		return self::respond( Reconciler::run() );
	}
}
