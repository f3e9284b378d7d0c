<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Refusals;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Settings;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * "User sees a quota message after buying credits", answered for one user, module and bot: the
 * balance and held credits, the quota scope that applies with what remains of it, the pricing rule
 * that matches and the estimate it gives, what the core's admission decides for that estimate now
 * and why, and the user's last recorded refusals. Read-only: nothing is held or charged.
 */
final class WhyRefused {
	public const COUNTS = [ 'input_tokens', 'output_tokens', 'images', 'videos' ];

	/** Usage type of each module when the request names none. */
	private const TYPES = [
		'chatbot'         => 'chat',
		'ai_forms'        => 'form_submit',
		'image_generator' => 'image_generate',
	];

	/**
	 * @param array $in module, bot_id, usage_type, provider, model, input_tokens, output_tokens, images,
	 *                  videos; missing ones come from the user's last refusal (of that module when given)
	 * @return array|WP_Error
	 */
	public static function explain( int $user_id, array $in ) {
		$user = get_userdata( $user_id );
		if ( ! $user ) {
			return new WP_Error(
				'aipkit_unknown_user',
				/* translators: %d: user id */
				sprintf( __( 'User #%d does not exist.', 'aipkit-usage' ), $user_id ),
				[
					'status' => 404,
					'field'  => 'user_id',
				]
			);
		}
		$module   = (string) ( $in['module'] ?? '' );
		$refusals = Refusals::recent( $user_id, 10 );
		$last     = null;
		foreach ( $refusals as $r ) {
			if ( '' === $module || ( $r['module'] === $module && ( ! isset( $in['bot_id'] ) || $r['bot_id'] === (string) $in['bot_id'] ) ) ) {
				$last = $r;
				break;
			}
		}
		$module     = '' !== $module ? $module : ( $last['module'] ?? 'chatbot' );
		$bot_id     = (string) ( $in['bot_id'] ?? ( $last['bot_id'] ?? '' ) );
		$usage_type = self::given( $in, 'usage_type', $last['usage_type'] ?? ( self::TYPES[ $module ] ?? 'chat' ) );
		$provider   = strtolower( trim( self::given( $in, 'provider', $last['provider'] ?? '' ) ) );
		$model      = trim( self::given( $in, 'model', $last['model'] ?? '' ) );

		$counts = [];
		$given  = false;
		foreach ( self::COUNTS as $k ) {
			$counts[ $k ] = max( 0, (int) ( $in[ $k ] ?? 0 ) );
			$given        = $given || $counts[ $k ] > 0;
		}

		$balance = Balances::get( $user_id );
		$ctx     = Quotas::context( $module, $bot_id, $user_id );
		if ( is_wp_error( $ctx ) ) {
			return $ctx;
		}
		$quota = self::quota( $user_id, $ctx );

		$rule     = null;
		$estimate = null;
		$quote    = null;
		$source   = 'counts';
		if ( '' !== $provider && '' !== $model ) {
			$quote = Gateway::instance()->quote(
				[
					'rules' => PricingRules::candidates( $usage_type, $provider, $model ),
					'usage' => [
						'usage_type' => $usage_type,
						'provider'   => $provider,
						'model'      => $model,
					] + $counts,
				]
			);
			if ( is_wp_error( $quote ) ) {
				return $quote;
			}
			$rule = $quote['rule_id'] ? PricingRules::get( (int) $quote['rule_id'] ) : null;
		}
		if ( ! $given && $last && $last['module'] === $module && $last['bot_id'] === $bot_id ) {
			// No counts asked: judge the request that was refused last, at its own estimate.
			$estimate = $last['estimate'];
			$source   = 'last_refusal';
		} elseif ( $quote ) {
			$estimate = $quote['credits'];
		}

		$decision = null;
		if ( null !== $estimate ) {
			$decision = Gateway::instance()->admit(
				[
					'estimate'          => $estimate,
					'balance_available' => $balance['available'],
					'quota_remaining'   => $quota['remaining'],
					'order'             => Settings::consumption_order(),
				]
			);
			if ( is_wp_error( $decision ) ) {
				return $decision;
			}
		}

		return [
			'user'          => [
				'id'    => $user_id,
				'name'  => $user->display_name,
				'login' => $user->user_login,
				'roles' => array_values( (array) $user->roles ),
			],
			'module'        => $module,
			'bot_id'        => $bot_id,
			'usage_type'    => $usage_type,
			'provider'      => $provider,
			'model'         => $model,
			'counts'        => $counts,
			'balance'       => $balance,
			'quota'         => $quota,
			'order'         => Settings::consumption_order(),
			'rule'          => $rule,
			'fallback'      => $quote ? (bool) $quote['fallback'] : null,
			'breakdown'     => $quote['breakdown'] ?? [],
			'estimate'      => $estimate,
			'estimate_from' => $source,
			'decision'      => $decision,
			'reasons'       => self::reasons( $balance, $quota, $quote, $estimate, $decision, $provider, $model, $refusals ),
			// "Confirm the order is completed / the balance increased": the user's latest purchases and refunds.
			'purchases'     => array_map(
				static function ( $p ) {
					$p['at_text'] = Format::datetime( $p['at'] );
					return $p;
				},
				array_slice( Data::purchases( $user_id ), 0, 5 )
			),
			'refusals'      => array_map(
				static function ( $r ) {
					$r['at_text'] = Format::datetime( $r['at'] );
					return $r;
				},
				$refusals
			),
		];
	}

	/** The request's value of $key unless empty, else $fallback. */
	private static function given( array $in, string $key, string $fallback ): string {
		$v = (string) ( $in[ $key ] ?? '' );
		return '' !== $v ? $v : $fallback;
	}

	/** The applicable quota scope and its current-period counter, remaining computed in DECIMAL by MariaDB. */
	private static function quota( int $user_id, array $ctx ): array {
		global $wpdb;
		$c    = $wpdb->get_row( $wpdb->prepare( 'SELECT used, held FROM ' . Tables::counters() . ' WHERE subject = %s AND scope = %s AND period_key = %s', 'user:' . $user_id, $ctx['scope'], $ctx['period_key'] ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables.
		$used = Decimal::db( $c['used'] ?? '0' );
		$held = Decimal::db( $c['held'] ?? '0' );
		$left = null;
		if ( null !== $ctx['limit'] ) {
			$left = Decimal::db( $wpdb->get_var( $wpdb->prepare( 'SELECT GREATEST(CAST(%s AS DECIMAL(20,6)) - CAST(%s AS DECIMAL(20,6)) - CAST(%s AS DECIMAL(20,6)), 0)', $ctx['limit'], $used, $held ) ) );
		}
		$next = null;
		if ( $ctx['rule'] ) {
			$p    = Gateway::instance()->period(
				[
					'period' => $ctx['period'],
					'now'    => Clock::current()->now(),
				]
			);
			$next = is_wp_error( $p ) ? null : $p['next_starts_at'];
		}
		return [
			'scope'           => $ctx['scope'],
			'has_rule'        => null !== $ctx['rule'],
			'limit'           => $ctx['limit'],
			'used'            => $used,
			'held'            => $held,
			'remaining'       => $left,
			'period'          => $ctx['period'],
			'period_key'      => $ctx['period_key'],
			'next_reset'      => $next,
			'next_reset_text' => null === $next ? null : Format::datetime( (int) $next ),
		];
	}

	/** @return string[] plain sentences, most important first */
	private static function reasons( array $balance, array $quota, ?array $quote, ?string $estimate, ?array $decision, string $provider, string $model, array $refusals ): array {
		$out = [];
		if ( '' === $provider || '' === $model ) {
			$out[] = __( 'Enter the provider and model the module uses to see the matching pricing rule and its estimate.', 'aipkit-usage' );
		} elseif ( $quote && $quote['fallback'] ) {
			/* translators: 1: provider, 2: model */
			$out[] = sprintf( __( 'No pricing rule matches %1$s / %2$s: the request is priced at its raw usage units. Add a pricing rule for this model.', 'aipkit-usage' ), $provider, $model );
		}
		if ( $decision ) {
			if ( $decision['admitted'] ) {
				$out[] = sprintf(
					/* translators: 1: estimate, 2: from balance, 3: from quota */
					__( 'A request estimated at %1$s credits would be admitted now: %2$s held from the balance, %3$s from the quota.', 'aipkit-usage' ),
					$estimate,
					$decision['hold_balance'],
					$decision['hold_quota']
				);
			} else {
				$out[] = sprintf(
					/* translators: 1: estimate, 2: available balance, 3: remaining quota, 4: shortfall */
					__( 'A request estimated at %1$s credits is refused (quota_exceeded): the available balance (%2$s) plus the remaining quota (%3$s) fall %4$s short.', 'aipkit-usage' ),
					$estimate,
					$balance['available'],
					$quota['remaining'] ?? __( 'unlimited', 'aipkit-usage' ),
					$decision['shortfall']
				);
			}
		}
		if ( ! $refusals ) {
			$out[] = __( 'No refusal is recorded for this user account. A quota message seen while logged out was the guest quota: ask the user to log in first.', 'aipkit-usage' );
		}
		if ( isset( $balance['uncovered'] ) && ! Decimal::is_zero( $balance['uncovered'] ) ) {
			$out[] = sprintf(
				/* translators: 1: unpaid credits, 2: the site's bound */
				__( '%1$s credits of usage are not paid for yet (the site allows %2$s): at that bound every request is refused (uncovered_limit) until credits are added or an administrator clears it.', 'aipkit-usage' ),
				$balance['uncovered'],
				Settings::uncovered_limit()
			);
		}
		if ( ! Decimal::is_zero( $balance['held'] ) ) {
			/* translators: %s: held credits */
			$out[] = sprintf( __( '%s credits are held by requests in progress; they return to the balance when those requests finish or their holds expire.', 'aipkit-usage' ), $balance['held'] );
		}
		if ( null !== $quota['remaining'] && Decimal::is_zero( $quota['remaining'] ) ) {
			$out[] = __( 'The quota for this scope is used up for the current period; only the balance can cover requests until it resets.', 'aipkit-usage' );
		}
		return $out;
	}
}
