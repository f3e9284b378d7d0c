<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Billing\Refusals;

defined( 'ABSPATH' ) || exit;

/**
 * Boots the customer dashboard: the shortcode, its no-cache headers and stylesheet where it renders,
 * the WooCommerce My Account tab, refusal recording, the REST routes behind the admin tools and the
 * Site Health checks.
 */
final class Module {
	public function register(): void {
		add_shortcode( Shortcode::TAG, [ Shortcode::class, 'render' ] );
		add_action( 'template_redirect', [ Shortcode::class, 'prepare_request' ] );
		MyAccount::register();
		Refusals::register();
		( new \AipkitUsage\Rest\Dashboard\DashboardController() )->register();
		( new \AipkitUsage\Rest\Dashboard\WhyRefusedController() )->register();
		( new \AipkitUsage\Health\DashboardHealth() )->register();
	}
}
