<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Billing\Tables;
use AipkitUsage\Capabilities;
use AipkitUsage\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * "Customer dashboard does not show usage", answered on the page itself: administrators see a box
 * (only they do) listing what hides what for a chosen user: logged out, role access, an attribute
 * set to false, no usage recorded for a module, where the buy button goes.
 */
final class AdminNotice {
	public const PARAM = 'aipkit_dashboard_user';

	/** Once per page: a widget and the page content may both hold the shortcode. */
	private static bool $shown = false;

	public static function visible(): bool {
		return current_user_can( Capabilities::MANAGE_SETTINGS );
	}

	/** Allows the box again (a new page render; tests rendering several pages in one process). */
	public static function reset(): void {
		self::$shown = false;
	}

	/** @param array $atts parsed attributes of this dashboard */
	public static function render( array $atts ): string {
		if ( self::$shown || ! self::visible() ) {
			return '';
		}
		self::$shown = true;
		$user        = self::chosen_user();
		$items       = self::checks( $atts, $user );
		$out         = '<aside class="aipkit-dashboard-admin" aria-label="' . esc_attr__( 'Dashboard troubleshooting (administrators only)', 'aipkit-usage' ) . '">';
		$out        .= '<p class="aipkit-dashboard-admin__title"><strong>' . esc_html__( 'Only administrators see this box.', 'aipkit-usage' ) . '</strong> ';
		$out        .= $user
			/* translators: %s: user display name and login */
			? esc_html( sprintf( __( 'What this dashboard shows for %s:', 'aipkit-usage' ), $user->display_name . ' (' . $user->user_login . ')' ) )
			: esc_html__( 'No such user: enter a login, email or user ID.', 'aipkit-usage' );
		$out .= '</p><ul class="aipkit-dashboard-admin__checks">';
		foreach ( $items as $item ) {
			$out .= '<li class="aipkit-dashboard-admin__check aipkit-dashboard-admin__check--' . esc_attr( $item['status'] ) . '"><span class="screen-reader-text">' . esc_html( self::status_label( $item['status'] ) ) . ': </span>' . esc_html( $item['text'] ) . '</li>';
		}
		$out .= '</ul>';
		$id   = wp_unique_id( 'aipkit-dashboard-admin-user-' );
		$out .= '<form method="get" class="aipkit-dashboard-admin__form"><label for="' . esc_attr( $id ) . '">' . esc_html__( 'Check another user (login, email or ID)', 'aipkit-usage' ) . '</label> ';
		$out .= '<input type="text" id="' . esc_attr( $id ) . '" name="' . esc_attr( self::PARAM ) . '" value="' . esc_attr( $user ? $user->user_login : '' ) . '" /> ';
		foreach ( self::kept_query_args() as $k => $v ) {
			$out .= '<input type="hidden" name="' . esc_attr( $k ) . '" value="' . esc_attr( $v ) . '" />';
		}
		$out .= '<button type="submit">' . esc_html__( 'Check', 'aipkit-usage' ) . '</button></form>';
		return $out . '</aside>';
	}

	/**
	 * @param array          $atts parsed attributes
	 * @param \WP_User|false $user
	 * @return array<int,array{status:string,text:string}> status ok | hidden | info
	 */
	public static function checks( array $atts, $user ): array {
		$out   = [];
		$out[] = [
			'status' => 'info',
			'text'   => __( 'Logged-out visitors see a sentence and a login link that returns to this page, not the dashboard.', 'aipkit-usage' ),
		];
		$page  = Settings::dashboard_page_id();
		if ( is_singular() && get_queried_object_id() && get_queried_object_id() !== $page ) {
			$out[] = [
				'status' => 'hidden',
				'text'   => __( 'This page is not the Customer dashboard page chosen in Usage > Billing > WooCommerce, so quota messages link elsewhere.', 'aipkit-usage' ),
			];
		}
		if ( ! $user ) {
			return $out;
		}
		$roles = Settings::dashboard_roles();
		if ( ! $roles ) {
			$out[] = [
				'status' => 'ok',
				'text'   => __( 'Role access: every logged-in user may see the dashboard.', 'aipkit-usage' ),
			];
		} else {
			$has   = (bool) array_intersect( $roles, (array) $user->roles );
			$out[] = [
				'status' => $has ? 'ok' : 'hidden',
				'text'   => sprintf(
					/* translators: 1: allowed roles, 2: the user's roles */
					$has ? __( 'Role access: limited to %1$s; this user (%2$s) may see the dashboard.', 'aipkit-usage' ) : __( 'Role access: limited to %1$s; this user (%2$s) gets the "no access" message instead of the dashboard.', 'aipkit-usage' ),
					implode( ', ', $roles ),
					$user->roles ? implode( ', ', (array) $user->roles ) : __( 'no role', 'aipkit-usage' )
				),
			];
		}
		$counts = self::usage_counts( (int) $user->ID );
		$labels = [
			'chatbot'        => __( 'Chatbot', 'aipkit-usage' ),
			'aiforms'        => __( 'AI Forms', 'aipkit-usage' ),
			'imagegenerator' => __( 'Image Generator', 'aipkit-usage' ),
		];
		foreach ( Attributes::MODULES as $attr => $module ) {
			if ( empty( $atts[ $attr ] ) ) {
				$out[] = [
					'status' => 'hidden',
					/* translators: 1: module, 2: attribute */
					'text'   => sprintf( __( '%1$s: hidden by the attribute %2$s="false".', 'aipkit-usage' ), $labels[ $attr ], $attr ),
				];
				continue;
			}
			$n     = $counts[ $module ] ?? 0;
			$out[] = $n > 0 ? [
				'status' => 'ok',
				/* translators: 1: module, 2: number of charges */
				'text'   => sprintf( _n( '%1$s: shown; %2$d charge recorded for this user.', '%1$s: shown; %2$d charges recorded for this user.', $n, 'aipkit-usage' ), $labels[ $attr ], $n ),
			] : [
				'status' => 'hidden',
				/* translators: %s: module */
				'text'   => sprintf( __( '%s: shown, but no usage is recorded for this user in this module yet, so its quota bars sit at zero and no charges are listed.', 'aipkit-usage' ), $labels[ $attr ] ),
			];
		}
		if ( empty( $atts['purchasehistory'] ) ) {
			$out[] = [
				'status' => 'hidden',
				'text'   => __( 'Recent purchases: hidden by the attribute purchasehistory="false".', 'aipkit-usage' ),
			];
		}
		if ( empty( $atts['buycredits'] ) ) {
			$out[] = [
				'status' => 'hidden',
				'text'   => __( 'Buy credits button: hidden by the attribute buycredits="false".', 'aipkit-usage' ),
			];
		} else {
			$url   = BuyCreditsUrl::resolve( (string) $atts['buycreditsurl'] );
			$out[] = '' === $url ? [
				'status' => 'hidden',
				'text'   => __( 'Buy credits button: not shown, because no buy credits URL is set (attribute, Default buy credits URL setting) and no WooCommerce credit product is published.', 'aipkit-usage' ),
			] : [
				'status' => 'ok',
				/* translators: %s: URL */
				'text'   => sprintf( __( 'Buy credits button: goes to %s.', 'aipkit-usage' ), $url ),
			];
		}
		return $out;
	}

	/** @return \WP_User|false the user named in the query string, else the administrator viewing */
	private static function chosen_user() {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- read-only lookup shown to administrators.
		$q = isset( $_GET[ self::PARAM ] ) ? sanitize_text_field( wp_unslash( $_GET[ self::PARAM ] ) ) : '';
		if ( '' === $q ) {
			return wp_get_current_user();
		}
		if ( ctype_digit( $q ) ) {
			return get_user_by( 'id', (int) $q );
		}
		return get_user_by( is_email( $q ) ? 'email' : 'login', $q );
	}

	/** Query args of the current URL other than ours, so the GET form stays on the same view. @return array<string,string> */
	private static function kept_query_args(): array {
		$out = [];
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only echoed back as hidden fields, escaped.
		foreach ( $_GET as $k => $v ) {
			if ( is_string( $k ) && self::PARAM !== $k && is_string( $v ) ) {
				$out[ sanitize_key( $k ) ] = sanitize_text_field( wp_unslash( $v ) );
			}
		}
		return $out;
	}

	/** @return array<string,int> module => number of usage charges */
	private static function usage_counts( int $user_id ): array {
		global $wpdb;
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT module, COUNT(*) AS n FROM ' . Tables::ledger() . " WHERE user_id = %d AND kind = 'usage' GROUP BY module", $user_id ), ARRAY_A ) ?? []; // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
		$out  = [];
		foreach ( $rows as $r ) {
			$out[ $r['module'] ] = (int) $r['n'];
		}
		return $out;
	}

	private static function status_label( string $status ): string {
		if ( 'ok' === $status ) {
			return __( 'OK', 'aipkit-usage' );
		}
		return 'hidden' === $status ? __( 'Hides something', 'aipkit-usage' ) : __( 'Note', 'aipkit-usage' );
	}
}
