<?php
namespace AipkitUsage\Dashboard;

defined( 'ABSPATH' ) || exit;

/**
 * [aipkit_token_usage]: the customer dashboard. Per user, so the page tells caches not to keep it;
 * its stylesheet is enqueued only where it renders.
 */
final class Shortcode {
	public const TAG    = 'aipkit_token_usage';
	public const HANDLE = 'aipkit-usage-dashboard';

	/**
	 * @param mixed $atts shortcode attributes ('' when none)
	 */
	public static function render( $atts = [] ): string {
		$a = Attributes::parse( $atts );
		self::no_cache();
		self::enqueue();
		$notice = AdminNotice::render( $a );
		$uid    = get_current_user_id();
		$denied = Access::denied( $uid );
		if ( 'logged_out' === $denied ) {
			return $notice . self::message(
				esc_html__( 'Log in to see your credits, purchases and quota usage.', 'aipkit-usage' )
				. ' <a class="aipkit-dashboard__login" href="' . esc_url( wp_login_url( self::current_url() ) ) . '">' . esc_html__( 'Log in', 'aipkit-usage' ) . '</a>',
				$a
			);
		}
		if ( 'role' === $denied ) {
			return $notice . self::message( esc_html__( 'Your account does not have access to the credits dashboard. If you think it should, contact the site administrator.', 'aipkit-usage' ), $a );
		}
		$data = Data::for_user( $uid, $a );
		$buy  = $a['buycredits'] ? BuyCreditsUrl::resolve( (string) $a['buycreditsurl'] ) : '';
		return $notice . Renderer::dashboard( $a, $data, $buy );
	}

	/** @param string $html already escaped */
	private static function message( string $html, array $a ): string {
		$title = '' !== $a['title'] ? '<h2 class="aipkit-dashboard__title">' . esc_html( $a['title'] ) . '</h2>' : '';
		return '<section class="aipkit-dashboard aipkit-dashboard--message">' . $title . '<p class="aipkit-dashboard__message">' . $html . '</p></section>';
	}

	/** Page caches must not keep one user's dashboard for the next visitor. */
	public static function no_cache(): void {
		if ( ! defined( 'DONOTCACHEPAGE' ) ) {
			define( 'DONOTCACHEPAGE', true ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedConstantFound -- the constant page caches read.
		}
		if ( ! headers_sent() ) {
			nocache_headers();
		}
	}

	public static function enqueue(): void {
		if ( ! wp_style_is( self::HANDLE, 'registered' ) ) {
			self::register_style();
		}
		wp_enqueue_style( self::HANDLE );
	}

	public static function register_style(): void {
		wp_register_style( self::HANDLE, plugins_url( 'assets/dashboard.css', AIPKIT_USAGE_FILE ), [], AIPKIT_USAGE_VERSION );
	}

	/** The page being viewed, so the login link comes back to it. */
	public static function current_url(): string {
		$uri    = isset( $_SERVER['REQUEST_URI'] ) ? esc_url_raw( wp_unslash( $_SERVER['REQUEST_URI'] ) ) : '/';
		$home   = wp_parse_url( home_url() );
		$origin = ( $home['scheme'] ?? 'http' ) . '://' . ( $home['host'] ?? 'localhost' ) . ( isset( $home['port'] ) ? ':' . $home['port'] : '' );
		return wp_validate_redirect( $origin . $uri, home_url( '/' ) );
	}

	/**
	 * template_redirect: a singular post or page holding the shortcode (or chosen as the dashboard page)
	 * gets its no-cache headers and stylesheet before any output.
	 */
	public static function prepare_request(): void {
		if ( ! is_singular() ) {
			return;
		}
		$post = get_queried_object();
		if ( ! $post instanceof \WP_Post ) {
			return;
		}
		if ( has_shortcode( (string) $post->post_content, self::TAG ) || \AipkitUsage\Settings::dashboard_page_id() === (int) $post->ID ) {
			self::no_cache();
			self::enqueue();
		}
	}
}
