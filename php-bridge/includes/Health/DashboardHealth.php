<?php
namespace AipkitUsage\Health;

use AipkitUsage\Billing\Tables as BillingTables;
use AipkitUsage\Dashboard\BuyCreditsUrl;
use AipkitUsage\Dashboard\PageSetup;
use AipkitUsage\Schema\Schema;

defined( 'ABSPATH' ) || exit;

/**
 * Site Health checks for the seed's troubleshooting items: the customer dashboard page, the size of
 * the logs against the retention setting, recent credit grants, and WooCommerce.
 */
final class DashboardHealth {
	/** Logs above this size (bytes) without auto-delete are worth a recommendation. */
	public const LOGS_LARGE = 500 * MB_IN_BYTES;

	public function register(): void {
		add_filter( 'site_status_tests', [ $this, 'add_tests' ] );
	}

	/** @param array<string,mixed> $tests */
	public function add_tests( $tests ) {
		$tests                                       = is_array( $tests ) ? $tests : [];
		$tests['direct']['aipkit_usage_dashboard']   = [
			'label' => __( 'AI Puffer customer dashboard page', 'aipkit-usage' ),
			'test'  => [ $this, 'dashboard_test' ],
		];
		$tests['direct']['aipkit_usage_logs_size']   = [
			'label' => __( 'AI Puffer logs size and retention', 'aipkit-usage' ),
			'test'  => [ $this, 'logs_test' ],
		];
		$tests['direct']['aipkit_usage_grants']      = [
			'label' => __( 'AI Puffer credit grants', 'aipkit-usage' ),
			'test'  => [ $this, 'grants_test' ],
		];
		$tests['direct']['aipkit_usage_woocommerce'] = [
			'label' => __( 'WooCommerce for AI Puffer credits', 'aipkit-usage' ),
			'test'  => [ $this, 'woocommerce_test' ],
		];
		return $tests;
	}

	private static function result( string $test, string $status, string $label, string $description, string $actions = '' ): array {
		return [
			'test'        => $test,
			'status'      => $status,
			'label'       => $label,
			'badge'       => [
				'label' => __( 'AI Puffer Usage', 'aipkit-usage' ),
				'color' => 'good' === $status ? 'blue' : 'orange',
			],
			'description' => '<p>' . esc_html( $description ) . '</p>',
			'actions'     => $actions,
		];
	}

	private static function billing_link( string $section, string $text ): string {
		return '<p><a href="' . esc_url( admin_url( 'admin.php?page=aipkit-usage&tab=billing&section=' . $section ) ) . '">' . esc_html( $text ) . '</a></p>';
	}

	public function dashboard_test(): array {
		$s    = PageSetup::status();
		$link = self::billing_link( 'woocommerce', __( 'Open Usage > Billing > WooCommerce', 'aipkit-usage' ) );
		if ( ! $s['page'] && '' === $s['url'] ) {
			return self::result( 'aipkit_usage_dashboard', 'recommended', __( 'No customer dashboard page is set', 'aipkit-usage' ), __( 'Quota messages offer a "View usage" link to the customer dashboard page, but none is chosen. Choose a page holding [aipkit_token_usage] or let the plugin create it.', 'aipkit-usage' ), $link );
		}
		if ( '' !== $s['warning'] ) {
			return self::result( 'aipkit_usage_dashboard', 'recommended', __( 'The customer dashboard page needs attention', 'aipkit-usage' ), $s['warning'], $link );
		}
		if ( ! $s['page'] ) {
			/* translators: %s: URL */
			return self::result( 'aipkit_usage_dashboard', 'recommended', __( 'The customer dashboard is an address, not a chosen page', 'aipkit-usage' ), sprintf( __( 'The Customer dashboard URL is %s. Choose the page itself so the plugin can check that it holds [aipkit_token_usage].', 'aipkit-usage' ), $s['url'] ), $link );
		}
		/* translators: %s: page title */
		return self::result( 'aipkit_usage_dashboard', 'good', __( 'The customer dashboard page is set and holds the shortcode', 'aipkit-usage' ), sprintf( __( 'The page "%s" is published and contains [aipkit_token_usage].', 'aipkit-usage' ), $s['page']['title'] ) );
	}

	/** Rows and size from the server's table statistics (no scan of the logs), and the retention setting. */
	public function logs_test(): array {
		global $wpdb;
		$names = [ Schema::table( 'logs' ), Schema::table( 'conversations' ) ];
		$stats = $wpdb->get_results( $wpdb->prepare( 'SELECT TABLE_NAME AS t, TABLE_ROWS AS r, DATA_LENGTH + INDEX_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (%s, %s)', $names[0], $names[1] ), ARRAY_A ) ?? [];
		$rows  = 0;
		$bytes = 0;
		foreach ( $stats as $s ) {
			if ( $s['t'] === $names[0] ) {
				$rows = (int) $s['r'];
			}
			$bytes += (int) $s['b'];
		}
		$ret       = class_exists( '\\AipkitUsage\\Logs\\Retention' ) ? \AipkitUsage\Logs\Retention::settings() : [
			'enabled' => false,
			'days'    => 0,
		];
		$retention = $ret['enabled']
			/* translators: %d: days */
			? sprintf( _n( 'Auto-delete removes logs older than %d day.', 'Auto-delete removes logs older than %d days.', $ret['days'], 'aipkit-usage' ), $ret['days'] )
			: __( 'Auto-delete is off: logs are kept until deleted by hand.', 'aipkit-usage' );
		$text = sprintf(
			/* translators: 1: approximate number of log rows, 2: size, 3: retention sentence */
			__( 'About %1$s log exchanges use %2$s (logs and conversations, with indexes). %3$s', 'aipkit-usage' ),
			number_format_i18n( $rows ),
			size_format( $bytes, 1 ),
			$retention
		);
		$link = '<p><a href="' . esc_url( admin_url( 'admin.php?page=aipkit-usage&tab=logs' ) ) . '">' . esc_html__( 'Open Usage > Logs to set retention', 'aipkit-usage' ) . '</a></p>';
		if ( ! $ret['enabled'] && $bytes > self::LOGS_LARGE ) {
			return self::result( 'aipkit_usage_logs_size', 'recommended', __( 'AI Puffer logs are large and never deleted', 'aipkit-usage' ), $text, $link );
		}
		return self::result( 'aipkit_usage_logs_size', 'good', __( 'AI Puffer logs size and retention', 'aipkit-usage' ), $text, $link );
	}

	/** Purchases and reversals of the last 30 days; with WooCommerce, recent completed credit orders without a ledger entry. */
	public function grants_test(): array {
		global $wpdb;
		$since  = gmdate( 'Y-m-d H:i:s', time() - 30 * DAY_IN_SECONDS );
		$counts = $wpdb->get_row( $wpdb->prepare( 'SELECT SUM(kind = %s) AS purchases, SUM(kind = %s) AS reversals FROM ' . BillingTables::ledger() . ' WHERE kind IN (%s, %s) AND created_at >= %s', 'purchase', 'purchase_reversal', 'purchase', 'purchase_reversal', $since ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
		$text   = sprintf(
			/* translators: 1: purchases, 2: reversals */
			__( 'Last 30 days: %1$d credit purchases and %2$d reversals recorded in the ledger.', 'aipkit-usage' ),
			(int) ( $counts['purchases'] ?? 0 ),
			(int) ( $counts['reversals'] ?? 0 )
		);
		$missing = self::ungranted_orders();
		if ( $missing ) {
			$text .= ' ' . sprintf(
				/* translators: %s: order numbers */
				__( 'Completed orders with credit packages but no credits in the ledger: %s. Check that each order is linked to a user account and that the product has a credit amount above 0.', 'aipkit-usage' ),
				implode( ', ', array_map( static fn( $id ) => '#' . $id, $missing ) )
			);
			return self::result( 'aipkit_usage_grants', 'recommended', __( 'Some completed orders did not grant credits', 'aipkit-usage' ), $text, self::billing_link( 'activity', __( 'Open Usage > Billing > Activity', 'aipkit-usage' ) ) );
		}
		return self::result( 'aipkit_usage_grants', 'good', __( 'AI Puffer credit grants', 'aipkit-usage' ), $text );
	}

	/** @return int[] ids of up to 50 recent completed orders holding a credit product and lacking a purchase entry */
	private static function ungranted_orders(): array {
		if ( ! function_exists( 'wc_get_orders' ) ) {
			return [];
		}
		$orders = wc_get_orders(
			[
				'status'       => 'completed',
				'limit'        => 50,
				'orderby'      => 'date',
				'order'        => 'DESC',
				'date_created' => '>' . ( time() - 30 * DAY_IN_SECONDS ),
			]
		);
		$ids    = [];
		foreach ( $orders as $order ) {
			foreach ( $order->get_items() as $item ) {
				$product = is_callable( [ $item, 'get_product_id' ] ) ? (int) $item->get_product_id() : 0;
				if ( $product && 'yes' === get_post_meta( $product, BuyCreditsUrl::PACKAGE_META, true ) ) {
					$ids[] = (int) $order->get_id();
					break;
				}
			}
		}
		if ( ! $ids ) {
			return [];
		}
		global $wpdb;
		$in      = implode( ',', array_map( 'intval', $ids ) );
		$granted = array_map( 'intval', $wpdb->get_col( 'SELECT DISTINCT order_id FROM ' . BillingTables::ledger() . " WHERE kind = 'purchase' AND order_id IN ($in)" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table name and integers only.
		return array_values( array_diff( $ids, $granted ) );
	}

	public function woocommerce_test(): array {
		if ( class_exists( 'WooCommerce' ) && defined( 'WC_VERSION' ) ) {
			$text = BuyCreditsUrl::credit_product_exists()
				? __( 'WooCommerce is active and at least one credit package is published.', 'aipkit-usage' )
				: __( 'WooCommerce is active, but no product is marked as an AI Puffer credit package yet.', 'aipkit-usage' );
			/* translators: %s: WooCommerce version */
			return self::result( 'aipkit_usage_woocommerce', 'good', sprintf( __( 'WooCommerce %s is active', 'aipkit-usage' ), WC_VERSION ), $text );
		}
		return self::result( 'aipkit_usage_woocommerce', 'recommended', __( 'WooCommerce is not active', 'aipkit-usage' ), __( 'Credits can only be sold through WooCommerce credit packages. Without it, balances change only through admin adjustments, and the dashboard\'s buy button needs a Default buy credits URL.', 'aipkit-usage' ) );
	}
}
