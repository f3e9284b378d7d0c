<?php
namespace AipkitUsage\Dashboard;

defined( 'ABSPATH' ) || exit;

/**
 * HTML of the customer dashboard. Server-rendered, no script: every value is escaped here, every
 * string translatable, and the layout uses logical CSS properties so right-to-left sites mirror it.
 */
final class Renderer {
	private static int $instance = 0;

	/**
	 * @param array  $atts    parsed attributes
	 * @param array  $data    Data::for_user()
	 * @param string $buy_url resolved buy credits URL ('' = no button)
	 */
	public static function dashboard( array $atts, array $data, string $buy_url ): string {
		$id  = 'aipkit-dashboard-' . ( ++self::$instance );
		$out = '<section class="aipkit-dashboard" id="' . esc_attr( $id ) . '" aria-labelledby="' . esc_attr( $id ) . '-title">';
		if ( '' !== $atts['title'] ) {
			$out .= '<h2 class="aipkit-dashboard__title" id="' . esc_attr( $id ) . '-title">' . esc_html( $atts['title'] ) . '</h2>';
		}
		if ( '' !== $atts['intro'] ) {
			$out .= '<p class="aipkit-dashboard__intro">' . esc_html( $atts['intro'] ) . '</p>';
		}
		$out .= self::balance( $data['balance'], $atts, $buy_url );
		if ( Attributes::modules( $atts ) ) {
			$out .= self::quotas( $data['quotas'] );
		}
		if ( ! empty( $atts['purchasehistory'] ) ) {
			$out .= self::purchases( $data['purchases'] );
		}
		if ( Attributes::modules( $atts ) ) {
			$out .= self::usage( $data['usage'] );
		}
		return $out . '</section>';
	}

	private static function balance( array $balance, array $atts, string $buy_url ): string {
		$out  = '<div class="aipkit-dashboard__balance">';
		$out .= '<dl class="aipkit-dashboard__figures">';
		$out .= '<div class="aipkit-dashboard__figure aipkit-dashboard__figure--available"><dt>' . esc_html__( 'Available balance', 'aipkit-usage' ) . '</dt><dd>'
			/* translators: %s: number of credits */
			. esc_html( sprintf( __( '%s credits', 'aipkit-usage' ), Format::credits( $balance['available'] ) ) ) . '</dd></div>';
		$out .= '<div class="aipkit-dashboard__figure aipkit-dashboard__figure--held"><dt>' . esc_html__( 'Held by requests in progress', 'aipkit-usage' ) . '</dt><dd>'
			/* translators: %s: number of credits */
			. esc_html( sprintf( __( '%s credits', 'aipkit-usage' ), Format::credits( $balance['held'] ) ) ) . '</dd></div>';
		// Usage that neither balance nor quota covered (Billing\Uncovered): shown only when there is some,
		// because it is what refuses further requests once it reaches the site's bound.
		if ( isset( $balance['uncovered'] ) && ! \AipkitUsage\Billing\Decimal::is_zero( $balance['uncovered'] ) ) {
			$out .= '<div class="aipkit-dashboard__figure aipkit-dashboard__figure--uncovered"><dt>' . esc_html__( 'Usage not yet paid for', 'aipkit-usage' ) . '</dt><dd>'
				/* translators: %s: number of credits */
				. esc_html( sprintf( __( '%s credits', 'aipkit-usage' ), Format::credits( $balance['uncovered'] ) ) ) . '</dd></div>';
		}
		$out .= '</dl>';
		if ( ! empty( $atts['buycredits'] ) && '' !== $buy_url ) {
			$out .= '<p class="aipkit-dashboard__buy"><a class="aipkit-dashboard__button wp-element-button" href="' . esc_url( $buy_url ) . '">' . esc_html( $atts['buycreditslabel'] ) . '</a></p>';
		}
		return $out . '</div>';
	}

	private static function quotas( array $quotas ): string {
		$out = '<section class="aipkit-dashboard__section aipkit-dashboard__quotas"><h3>' . esc_html__( 'Quota usage', 'aipkit-usage' ) . '</h3>';
		if ( ! $quotas ) {
			return $out . '<p class="aipkit-dashboard__empty">' . esc_html__( 'No quotas apply to your account.', 'aipkit-usage' ) . '</p></section>';
		}
		$out .= '<ul class="aipkit-dashboard__quota-list">';
		foreach ( $quotas as $q ) {
			$name = '' === $q['bot_name'] ? $q['module_label'] : sprintf(
				/* translators: 1: module, 2: bot or form name */
				__( '%1$s: %2$s', 'aipkit-usage' ),
				$q['module_label'],
				$q['bot_name']
			);
			$out .= '<li class="aipkit-dashboard__quota" data-scope="' . esc_attr( $q['scope'] ) . '"><h4 class="aipkit-dashboard__quota-name">' . esc_html( $name ) . '</h4>';
			if ( null === $q['limit'] ) {
				$out .= '<p class="aipkit-dashboard__quota-figures"><strong>' . esc_html__( 'Unlimited', 'aipkit-usage' ) . '</strong> · '
					/* translators: %s: credits used */
					. esc_html( sprintf( __( '%s credits used', 'aipkit-usage' ), Format::credits( $q['used'] ) ) ) . '</p>';
			} else {
				$text = sprintf(
					/* translators: 1: credits used, 2: limit, 3: remaining credits */
					__( '%1$s of %2$s credits used, %3$s remaining', 'aipkit-usage' ),
					Format::credits( $q['used'] ),
					Format::credits( $q['limit'] ),
					Format::credits( $q['remaining'] )
				);
				$out .= '<p class="aipkit-dashboard__quota-figures">' . esc_html( $text ) . '</p>';
				if ( ! \AipkitUsage\Billing\Decimal::is_zero( $q['held'] ) ) {
					/* translators: %s: credits held */
					$out .= '<p class="aipkit-dashboard__quota-held">' . esc_html( sprintf( __( '%s credits held by requests in progress', 'aipkit-usage' ), Format::credits( $q['held'] ) ) ) . '</p>';
				}
				$pct  = null === $q['percent'] ? '0' : $q['percent'];
				$out .= '<div class="aipkit-dashboard__bar" role="progressbar" aria-label="' . esc_attr( $name ) . '" aria-valuemin="0" aria-valuemax="' . esc_attr( Format::credits( $q['limit'] ) )
					. '" aria-valuenow="' . esc_attr( self::clamp( $q['used'], $q['limit'] ) ) . '" aria-valuetext="' . esc_attr( $text ) . '">'
					. '<span class="aipkit-dashboard__bar-fill" style="inline-size:' . esc_attr( $pct ) . '%"></span></div>';
			}
			$period = Format::period_label( $q['period'] );
			if ( null !== $q['next_reset'] ) {
				$out .= '<p class="aipkit-dashboard__quota-period">' . esc_html( $period ) . ' · ' . esc_html__( 'Next reset:', 'aipkit-usage' ) . ' <time datetime="' . esc_attr( Format::iso( (int) $q['next_reset'] ) ) . '">' . esc_html( Format::datetime( (int) $q['next_reset'] ) ) . '</time></p>';
			} else {
				$out .= '<p class="aipkit-dashboard__quota-period">' . esc_html( $period ) . '</p>';
			}
			$out .= '</li>';
		}
		return $out . '</ul></section>';
	}

	/** aria-valuenow must lie within min..max: usage beyond the limit reads as the limit. */
	private static function clamp( string $used, string $limit ): string {
		$u = Format::credits( $used );
		$l = Format::credits( $limit );
		return version_compare( self::pad( $u ), self::pad( $l ), '>' ) ? $l : $u;
	}

	/** Comparable text of a non-negative decimal (integer part padded), for clamp only. */
	private static function pad( string $v ): string {
		$parts = explode( '.', $v, 2 );
		return str_pad( $parts[0], 20, '0', STR_PAD_LEFT ) . str_pad( $parts[1] ?? '', 6, '0' );
	}

	private static function purchases( array $purchases ): string {
		$out = '<section class="aipkit-dashboard__section aipkit-dashboard__purchases"><h3>' . esc_html__( 'Recent purchases', 'aipkit-usage' ) . '</h3>';
		if ( ! $purchases ) {
			return $out . '<p class="aipkit-dashboard__empty">' . esc_html__( 'No purchases yet.', 'aipkit-usage' ) . '</p></section>';
		}
		$out .= '<table class="aipkit-dashboard__table"><thead><tr><th scope="col">' . esc_html__( 'Date', 'aipkit-usage' ) . '</th><th scope="col">' . esc_html__( 'Order', 'aipkit-usage' )
			. '</th><th scope="col">' . esc_html__( 'Credits', 'aipkit-usage' ) . '</th></tr></thead><tbody>';
		foreach ( $purchases as $p ) {
			$refund = 'purchase_reversal' === $p['kind'];
			$order  = '—';
			if ( $p['order_id'] ) {
				/* translators: %s: order number */
				$label = esc_html( sprintf( __( 'Order #%s', 'aipkit-usage' ), $p['order_id'] ) );
				$order = '' !== $p['order_url'] ? '<a href="' . esc_url( $p['order_url'] ) . '">' . $label . '</a>' : $label;
			}
			$credits = Format::credits( $p['credits'] );
			$out    .= '<tr class="aipkit-dashboard__purchase' . ( $refund ? ' aipkit-dashboard__purchase--refund' : '' ) . '"><td><time datetime="' . esc_attr( Format::iso( $p['at'] ) ) . '">' . esc_html( Format::datetime( $p['at'] ) ) . '</time></td><td>' . $order
				. ( $refund ? ' <span class="aipkit-dashboard__tag">' . esc_html__( 'Refund', 'aipkit-usage' ) . '</span>' : '' ) . '</td><td>'
				. esc_html( $refund ? $credits : '+' . $credits ) . '</td></tr>';
		}
		return $out . '</tbody></table></section>';
	}

	private static function usage( array $usage ): string {
		$out = '<section class="aipkit-dashboard__section aipkit-dashboard__usage"><h3>' . esc_html__( 'Recent usage', 'aipkit-usage' ) . '</h3>';
		if ( ! $usage ) {
			return $out . '<p class="aipkit-dashboard__empty">' . esc_html__( 'No usage recorded yet.', 'aipkit-usage' ) . '</p></section>';
		}
		$out .= '<table class="aipkit-dashboard__table"><thead><tr><th scope="col">' . esc_html__( 'When', 'aipkit-usage' ) . '</th><th scope="col">' . esc_html__( 'Where', 'aipkit-usage' )
			. '</th><th scope="col">' . esc_html__( 'Credits', 'aipkit-usage' ) . '</th><th scope="col">' . esc_html__( 'Paid from', 'aipkit-usage' ) . '</th></tr></thead><tbody>';
		foreach ( $usage as $u ) {
			$where = '' === $u['bot_name'] ? $u['module_label'] : sprintf(
				/* translators: 1: module, 2: bot or form name */
				__( '%1$s: %2$s', 'aipkit-usage' ),
				$u['module_label'],
				$u['bot_name']
			);
			$from = [];
			if ( ! \AipkitUsage\Billing\Decimal::is_zero( $u['from_balance'] ) ) {
				/* translators: %s: credits */
				$from[] = sprintf( __( 'Balance: %s', 'aipkit-usage' ), Format::credits( $u['from_balance'] ) );
			}
			if ( ! \AipkitUsage\Billing\Decimal::is_zero( $u['from_quota'] ) ) {
				/* translators: %s: credits */
				$from[] = sprintf( __( 'Quota: %s', 'aipkit-usage' ), Format::credits( $u['from_quota'] ) );
			}
			$total = Format::credits( $u['credits'] );
			$out  .= '<tr class="aipkit-dashboard__charge"><td><time datetime="' . esc_attr( Format::iso( $u['at'] ) ) . '">' . esc_html( Format::datetime( $u['at'] ) ) . '</time></td><td>' . esc_html( $where ) . '</td><td>' . esc_html( $total ) . '</td><td>' . esc_html( $from ? implode( ', ', $from ) : '—' ) . '</td></tr>';
		}
		return $out . '</tbody></table></section>';
	}
}
