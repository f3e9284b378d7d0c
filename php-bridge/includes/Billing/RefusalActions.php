<?php
namespace AipkitUsage\Billing;

/**
 * The links a refused request offers (data.actions of aipkit_quota_exceeded). Guests cannot
 * receive credits, so they are offered "Log in" (back to the page they were on) instead of
 * "Buy credits"; signed-in users get "Buy credits" and "View usage". Empty URLs are kept: the
 * caller shows only actions with a URL.
 */
final class RefusalActions {
	/**
	 * @param int    $user_id  0 for a guest
	 * @param string $redirect where "Log in" returns to (default: the referring page, else home)
	 * @return array<string,array{label:string,url:string}>
	 */
	public static function build( int $user_id, string $redirect = '' ): array {
		if ( $user_id <= 0 ) {
			if ( '' === $redirect ) {
				$referer  = wp_get_referer();
				$redirect = $referer ? $referer : home_url( '/' );
			}
			$actions = [
				'log_in' => [
					'label' => __( 'Log in', 'aipkit-usage' ),
					'url'   => wp_login_url( $redirect ),
				],
			];
		} else {
			$actions = [
				'buy_credits' => [
					'label' => __( 'Buy credits', 'aipkit-usage' ),
					'url'   => \AipkitUsage\Settings::buy_credits_url(),
				],
				'view_usage'  => [
					'label' => __( 'View usage', 'aipkit-usage' ),
					'url'   => \AipkitUsage\Settings::customer_dashboard_url(),
				],
			];
		}
		/**
		 * Filters the actions offered with a refusal.
		 *
		 * @param array $actions key => {label, url}
		 * @param int   $user_id 0 for a guest
		 */
		$filtered = apply_filters( 'aipkit_usage_refusal_actions', $actions, $user_id );
		return is_array( $filtered ) ? $filtered : $actions;
	}
}
