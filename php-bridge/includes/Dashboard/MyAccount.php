<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce My Account > "Credits & Usage": the same dashboard as an account tab (endpoint
 * `aipkit-credits`). Off when WooCommerce is inactive or the dashboard_my_account_tab setting is off.
 */
final class MyAccount {
	public const ENDPOINT = 'aipkit-credits';

	/** Bumped when the endpoint changes, so rewrite rules are flushed once. */
	private const REWRITE_VERSION = '1';

	public static function register(): void {
		add_action( 'init', [ self::class, 'init' ], 20 );
	}

	public static function enabled(): bool {
		return class_exists( 'WooCommerce' ) && Settings::dashboard_my_account_tab();
	}

	public static function init(): void {
		if ( ! self::enabled() ) {
			return;
		}
		add_rewrite_endpoint( self::ENDPOINT, EP_ROOT | EP_PAGES );
		add_filter( 'woocommerce_get_query_vars', [ self::class, 'query_vars' ] );
		add_filter( 'woocommerce_account_menu_items', [ self::class, 'menu_items' ] );
		add_filter( 'woocommerce_endpoint_' . self::ENDPOINT . '_title', [ self::class, 'title' ] );
		add_action( 'woocommerce_account_' . self::ENDPOINT . '_endpoint', [ self::class, 'content' ] );
		add_action( 'template_redirect', [ self::class, 'prepare_request' ] );
		if ( get_option( 'aipkit_usage_dashboard_rewrite' ) !== self::REWRITE_VERSION ) {
			flush_rewrite_rules( false );
			update_option( 'aipkit_usage_dashboard_rewrite', self::REWRITE_VERSION, true );
		}
	}

	public static function query_vars( $vars ) {
		$vars                   = is_array( $vars ) ? $vars : [];
		$vars[ self::ENDPOINT ] = self::ENDPOINT;
		return $vars;
	}

	/** Puts the tab before "Log out". */
	public static function menu_items( $items ) {
		$items = is_array( $items ) ? $items : [];
		$out   = [];
		foreach ( $items as $key => $label ) {
			if ( 'customer-logout' === $key ) {
				$out[ self::ENDPOINT ] = self::title();
			}
			$out[ $key ] = $label;
		}
		if ( ! isset( $out[ self::ENDPOINT ] ) ) {
			$out[ self::ENDPOINT ] = self::title();
		}
		return $out;
	}

	public static function title(): string {
		return __( 'Credits & Usage', 'aipkit-usage' );
	}

	public static function content(): void {
		// The account page already has its heading: no second title here.
		echo Shortcode::render( [ 'title' => '' ] ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- Renderer escapes every value.
	}

	public static function prepare_request(): void {
		if ( function_exists( 'is_wc_endpoint_url' ) && is_wc_endpoint_url( self::ENDPOINT ) ) {
			Shortcode::no_cache();
			Shortcode::enqueue();
		}
	}

	/** The tab's URL, '' when the tab is off. */
	public static function url(): string {
		if ( ! self::enabled() || ! function_exists( 'wc_get_account_endpoint_url' ) ) {
			return '';
		}
		return (string) wc_get_account_endpoint_url( self::ENDPOINT );
	}
}
