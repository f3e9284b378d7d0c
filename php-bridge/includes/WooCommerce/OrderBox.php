<?php
namespace AipkitUsage\WooCommerce;

use AipkitUsage\Capabilities;

defined( 'ABSPATH' ) || exit;

/**
 * The "AI Puffer credits" box on the order screen (HPOS and posts storage): per item, credits bought,
 * granted (linked to the ledger entry) and reversed; "Grant now" when the checks pass and nothing was
 * granted yet (idempotent: the ledger key refuses a second grant).
 */
final class OrderBox {
	public const ACTION = 'aipkit_usage_wc_grant';

	public function register(): void {
		add_action( 'add_meta_boxes', [ self::class, 'add' ], 30 );
		add_action( 'admin_post_' . self::ACTION, [ self::class, 'grant_now' ] );
	}

	public static function add(): void {
		if ( ! Module::active() ) {
			return;
		}
		$screen = function_exists( 'wc_get_page_screen_id' ) ? wc_get_page_screen_id( 'shop-order' ) : 'shop_order';
		add_meta_box( 'aipkit-usage-credits', __( 'AI Puffer credits', 'aipkit-usage' ), [ self::class, 'render' ], $screen, 'normal', 'default' );
	}

	/** @param \WP_Post|\WC_Order $post_or_order */
	public static function render( $post_or_order ): void {
		$order = $post_or_order instanceof \WP_Post ? wc_get_order( $post_or_order->ID ) : $post_or_order;
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		$d = Diagnostics::for_order( (int) $order->get_id() );
		if ( is_wp_error( $d ) ) {
			echo '<p>' . esc_html( $d->get_error_message() ) . '</p>';
			return;
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only chooses which notice to show.
		$notice = isset( $_GET['aipkit_granted'] ) ? sanitize_key( wp_unslash( $_GET['aipkit_granted'] ) ) : '';
		if ( 'done' === $notice ) {
			echo '<div class="notice notice-success inline"><p>' . esc_html__( 'Credits granted. The order notes list the ledger entries.', 'aipkit-usage' ) . '</p></div>';
		} elseif ( 'nothing' === $notice ) {
			echo '<div class="notice notice-info inline"><p>' . esc_html__( 'Nothing to grant: the checks below say why.', 'aipkit-usage' ) . '</p></div>';
		}
		$packages = array_filter( $d['items'], static fn( $i ) => $i['package'] );
		if ( ! $packages ) {
			echo '<p class="aipkit-usage-order-box__empty">' . esc_html__( 'No credit packages in this order.', 'aipkit-usage' ) . '</p>';
		} else {
			$ledger_url = admin_url( 'admin.php?page=aipkit-usage&tab=billing&section=activity' );
			echo '<table class="widefat striped aipkit-usage-order-box"><thead><tr>';
			foreach ( [ __( 'Item', 'aipkit-usage' ), __( 'Credits bought', 'aipkit-usage' ), __( 'Granted', 'aipkit-usage' ), __( 'Reversed', 'aipkit-usage' ) ] as $h ) {
				echo '<th scope="col">' . esc_html( $h ) . '</th>';
			}
			echo '</tr></thead><tbody>';
			foreach ( $packages as $i ) {
				echo '<tr><td>' . esc_html( $i['name'] . ' × ' . $i['quantity'] ) . '</td>';
				echo '<td>' . esc_html( Amounts::display( (string) $i['total'] ) ) . '</td><td>';
				if ( null !== $i['granted'] ) {
					echo esc_html( Amounts::display( $i['granted'] ) ) . ' <a href="' . esc_url( $ledger_url ) . '">'
						/* translators: %d: ledger entry id */
						. esc_html( sprintf( __( 'ledger #%d', 'aipkit-usage' ), $i['ledger_id'] ) ) . '</a>';
				} else {
					echo esc_html__( 'not granted', 'aipkit-usage' );
				}
				echo '</td><td>';
				if ( null !== $i['reversed'] && '0.000000' !== $i['reversed'] ) {
					echo esc_html( Amounts::display( $i['reversed'] ) );
					if ( '0.000000' !== $i['uncollected'] ) {
						/* translators: %s: credits */
						echo ' ' . esc_html( sprintf( __( '(%s uncollected)', 'aipkit-usage' ), Amounts::display( $i['uncollected'] ) ) );
					}
				} else {
					echo '–';
				}
				echo '</td></tr>';
			}
			echo '</tbody></table>';
		}
		echo '<ul class="aipkit-usage-order-box__checks">';
		foreach ( $d['checks'] as $c ) {
			echo '<li>' . ( $c['passed'] ? '✓ ' : '✗ ' ) . esc_html( $c['message'] ) . '</li>';
		}
		echo '</ul>';
		if ( $d['can_grant'] && self::can_grant() ) {
			$url = wp_nonce_url( admin_url( 'admin-post.php?action=' . self::ACTION . '&order_id=' . (int) $order->get_id() ), self::ACTION . '_' . (int) $order->get_id() );
			echo '<p><a class="button button-primary" href="' . esc_url( $url ) . '">' . esc_html__( 'Grant now', 'aipkit-usage' ) . '</a></p>';
		}
	}

	public static function can_grant(): bool {
		// phpcs:ignore WordPress.WP.Capabilities.Unknown -- WooCommerce's capability.
		return Capabilities::current_user_can( Capabilities::MANAGE_BALANCES ) && current_user_can( 'edit_shop_orders' );
	}

	public static function grant_now(): void {
		$order_id = isset( $_GET['order_id'] ) ? absint( $_GET['order_id'] ) : 0;
		check_admin_referer( self::ACTION . '_' . $order_id );
		if ( ! self::can_grant() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to grant credits.', 'aipkit-usage' ), '', [ 'response' => 403 ] );
		}
		$order = Module::active() ? wc_get_order( $order_id ) : null;
		if ( ! $order instanceof \WC_Order ) {
			wp_die( esc_html__( 'That order does not exist.', 'aipkit-usage' ), '', [ 'response' => 404 ] );
		}
		$result = self::grant_checked( $order );
		wp_safe_redirect( add_query_arg( 'aipkit_granted', $result['granted'] ? 'done' : 'nothing', $order->get_edit_order_url() ) );
		exit;
	}

	/** Grants only when the four checks pass (the box offers the button on the same condition). */
	public static function grant_checked( \WC_Order $order ): array {
		$d = Diagnostics::for_order( (int) $order->get_id() );
		if ( is_wp_error( $d ) || ! $d['passed'] ) {
			return [
				'granted' => [],
				'skipped' => [],
			];
		}
		return Grants::grant( $order );
	}
}
