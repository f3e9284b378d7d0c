<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * A refused authorize: the 429 a module shows its user, and the `aipkit_usage_refused` action
 * (docs/contract.md, interfaces §2) that lets the owner see who was turned away and why.
 *
 * The error is built inside the authorize transaction (where the locked rows are known) and
 * announced by announce() after it rolled back, so listeners that write keep their rows.
 */
final class Refusal {
	public const DEFAULT_MESSAGE = 'You have reached your quota for this period.';

	/** Carries the action payload on the WP_Error until announce() takes it off. */
	private const PAYLOAD = '_refusal';

	/**
	 * @param string   $reason    core reason: quota_exceeded | nothing_available | uncovered_limit
	 * @param string   $shortfall credits missing (for uncovered_limit: what must be covered to get back under the bound)
	 * @param array    $v         the validated request
	 * @param array    $identity  subjects, subject, guest_key
	 * @param array    $quote     the estimate's price (credits, rule_id)
	 * @param array    $ctx       quota context (rule, scope, limit, period_key, message)
	 * @param array    $balance   the locked balance row (balance, held, available, uncovered)
	 * @param array    $counters  the core's view of the locked counters (subject, id, used, held, remaining)
	 * @param int      $now       the decision's instant (Unix seconds)
	 */
	public static function error( string $reason, string $shortfall, array $v, array $identity, array $quote, array $ctx, array $balance, array $counters, int $now ): WP_Error {
		$message = self::message( $reason, $ctx );
		$payload = [
			'user_id'           => (int) $v['user_id'],
			'guest_key'         => $v['user_id'] > 0 ? null : (string) $identity['guest_key'],
			'module'            => $v['module'],
			'bot_id'            => $v['bot_id'],
			'usage_type'        => $v['usage_type'],
			'provider'          => $v['provider'],
			'model'             => $v['model'],
			'estimate'          => $quote['credits'],
			'balance_available' => $balance['available'],
			'held'              => $balance['held'],
			'quota'             => self::quota( $counters, $ctx ),
			'rule_id'           => isset( $quote['rule_id'] ) ? (int) $quote['rule_id'] : null,
			'reason'            => $reason,
			'message'           => $message,
			'at'                => $now,
		];
		return new WP_Error(
			'aipkit_quota_exceeded',
			$message,
			[
				'status'      => 429,
				'reason'      => $reason,
				'scope'       => $ctx['scope'],
				'estimate'    => $quote['credits'],
				'shortfall'   => $shortfall,
				'actions'     => RefusalActions::build( (int) $v['user_id'] ),
				self::PAYLOAD => $payload,
			]
		);
	}

	/** Fires aipkit_usage_refused for a refusal built by error(); any other error passes through untouched. */
	public static function announce( WP_Error $e ): WP_Error {
		$data = $e->get_error_data();
		if ( 'aipkit_quota_exceeded' !== $e->get_error_code() || ! is_array( $data ) || ! isset( $data[ self::PAYLOAD ] ) ) {
			return $e;
		}
		$payload = $data[ self::PAYLOAD ];
		unset( $data[ self::PAYLOAD ] );
		$out = new WP_Error( $e->get_error_code(), $e->get_error_message(), $data );
		do_action( 'aipkit_usage_refused', $payload );
		return $out;
	}

	/** What the user reads: the rule's own message when there is one, else why in plain words. */
	private static function message( string $reason, array $ctx ): string {
		if ( 'uncovered_limit' === $reason ) {
			return __( 'Your account has usage that no credits paid for yet. Add credits or contact the site owner to continue.', 'aipkit-usage' );
		}
		if ( '' !== (string) $ctx['message'] ) {
			return (string) $ctx['message'];
		}
		if ( null === $ctx['rule'] ) {
			return __( 'You have no credits left. Buy credits to continue.', 'aipkit-usage' );
		}
		return __( self::DEFAULT_MESSAGE, 'aipkit-usage' ); // phpcs:ignore WordPress.WP.I18n.NonSingularStringLiteralText -- the constant is the source string, kept in one place
	}

	/**
	 * The counters the request was measured against (a guest has two: cookie and network address),
	 * as the core read them under lock: no second read. A counter still to be created shows 0 used.
	 *
	 * @param array $counters the core's counters (used, held, remaining)
	 * @return array<int,array{scope:string,limit:?string,used:string,held:string,remaining:?string,period_key:string}>
	 */
	private static function quota( array $counters, array $ctx ): array {
		$out = [];
		foreach ( $counters as $c ) {
			$out[] = [
				'scope'      => $ctx['scope'],
				'limit'      => $ctx['limit'],
				'used'       => (string) $c['used'],
				'held'       => (string) $c['held'],
				'remaining'  => null === $ctx['limit'] ? null : (string) $c['remaining'],
				'period_key' => $ctx['period_key'],
			];
		}
		return $out;
	}
}
