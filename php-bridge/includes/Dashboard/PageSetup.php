<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Settings;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * The Customer dashboard page: choose a published page (its address becomes the Customer dashboard
 * URL that quota messages link to) or create one holding the shortcode; warn when the chosen page
 * lacks it.
 */
final class PageSetup {
	/**
	 * Block markup of a new dashboard page: a Shortcode block, so the block editor shows it as such. The
	 * page's own title already says "Credits & Usage", so the dashboard's heading is left out.
	 */
	public const CONTENT = "<!-- wp:shortcode -->\n[aipkit_token_usage title=\"\"]\n<!-- /wp:shortcode -->";

	/** @return array<int,array{id:int,title:string,url:string,has_shortcode:bool}> published pages, newest first */
	public static function pages( string $search = '' ): array {
		$args = [
			'post_type'      => 'page',
			'post_status'    => 'publish',
			'posts_per_page' => 100,
			'orderby'        => 'title',
			'order'          => 'ASC',
			'no_found_rows'  => true,
		];
		if ( '' !== $search ) {
			$args['s'] = $search;
		}
		return array_map( [ self::class, 'describe' ], get_posts( $args ) );
	}

	public static function describe( \WP_Post $p ): array {
		return [
			'id'            => (int) $p->ID,
			// Plain text for the admin screen (stored titles may hold entities such as &amp;).
			'title'         => '' === $p->post_title ? sprintf( /* translators: %d: page id */ __( '(no title) #%d', 'aipkit-usage' ), $p->ID ) : wp_specialchars_decode( $p->post_title, ENT_QUOTES ),
			'url'           => (string) get_permalink( $p ),
			'status'        => $p->post_status,
			'has_shortcode' => has_shortcode( (string) $p->post_content, Shortcode::TAG ),
		];
	}

	/** The chosen page now (null when none is chosen or it no longer exists), with a warning when something is off. */
	public static function status(): array {
		$id   = Settings::dashboard_page_id();
		$post = $id > 0 ? get_post( $id ) : null;
		$page = $post instanceof \WP_Post && 'page' === $post->post_type ? self::describe( $post ) : null;
		return [
			'page'    => $page,
			'url'     => Settings::customer_dashboard_url(),
			'warning' => self::warning( $id, $page ),
		];
	}

	private static function warning( int $id, ?array $page ): string {
		if ( $id > 0 && ! $page ) {
			return __( 'The chosen dashboard page no longer exists. Choose another page or create one.', 'aipkit-usage' );
		}
		if ( $page && 'publish' !== $page['status'] ) {
			return __( 'The chosen dashboard page is not published: customers cannot open it.', 'aipkit-usage' );
		}
		if ( $page && ! $page['has_shortcode'] ) {
			return __( 'The chosen page does not contain the [aipkit_token_usage] shortcode, so it shows no dashboard. Add the shortcode to it or create the page for me.', 'aipkit-usage' );
		}
		return '';
	}

	/** @return array|WP_Error status() after choosing; 0 clears the choice */
	public static function choose( int $page_id ) {
		if ( 0 === $page_id ) {
			$r = Settings::update(
				[
					'dashboard_page_id'      => 0,
					'customer_dashboard_url' => '',
				]
			);
			return is_wp_error( $r ) ? $r : self::status();
		}
		$post = get_post( $page_id );
		if ( ! $post instanceof \WP_Post || 'page' !== $post->post_type || 'publish' !== $post->post_status ) {
			return new WP_Error(
				'aipkit_invalid_page',
				__( 'Choose a published page.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'page_id',
				]
			);
		}
		$r = Settings::update(
			[
				'dashboard_page_id'      => $page_id,
				'customer_dashboard_url' => (string) get_permalink( $post ),
			]
		);
		return is_wp_error( $r ) ? $r : self::status();
	}

	/** Publishes a "Credits & Usage" page holding the shortcode and chooses it. @return array|WP_Error */
	public static function create() {
		$id = wp_insert_post(
			[
				'post_type'    => 'page',
				'post_status'  => 'publish',
				'post_title'   => __( 'Credits & Usage', 'aipkit-usage' ),
				'post_content' => self::CONTENT,
				'post_author'  => get_current_user_id(),
			],
			true
		);
		if ( is_wp_error( $id ) ) {
			return new WP_Error( 'aipkit_page_not_created', $id->get_error_message(), [ 'status' => 500 ] );
		}
		return self::choose( (int) $id );
	}
}
