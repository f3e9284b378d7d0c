<?php
namespace AipkitUsage\Billing\Metering;

use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\DbException;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\ErrorMessages;
use AipkitUsage\Billing\GuestIdentity;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Refusal;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Transaction;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Settings;
use WP_Error;

/**
 * The start of a hold: who asks (user or guest identity), a replay of the subject's own request id,
 * the price of the estimate, then one transaction that locks the balance row and the quota counters,
 * lets the core admit or refuse, and places the hold with conditional UPDATEs the database re-checks.
 */
final class Authorizer {
	public function __construct( private Clock $clock, private Gateway $core, private HoldStore $holds, private Releaser $releaser ) {
	}

	/** @return array|WP_Error */
	public function authorize( array $req ) {
		$v = RequestValidator::authorize( $req );
		if ( is_wp_error( $v ) ) {
			return $v;
		}
		if ( $v['user_id'] > 0 ) {
			$identity               = [
				'subjects'  => [ 'user:' . $v['user_id'] ],
				'guest_key' => '',
			];
			[ $existing, $expired ] = $this->holds->replay_or_expired( $v['request_id'], $v['user_id'] );
		} else {
			// Who the guest is comes first: a replay is only ever this guest's own request.
			$identity               = GuestIdentity::current();
			[ $existing, $expired ] = $this->holds->replay_or_expired( $v['request_id'], 0, $identity['subjects'] );
		}
		// Replays are keyed by subject and module: user:<id>, or the guest's cookie subject.
		$identity['subject'] = (string) $identity['subjects'][0];
		if ( $existing ) {
			return $this->replay( $existing, $v, $identity['subject'] );
		}
		// The subject's own expired holds are released on its next request, not only by cron.
		$this->releaser->expire( $expired );

		$now      = $this->clock->now();
		$request  = $this->request( $v, $identity['subjects'], $now );
		$rules    = $request['_quota_rules'];
		$scopes   = $request['_scopes'];
		$core     = $this->core;
		$settings = [
			'order'           => Settings::consumption_order(),
			'uncovered_limit' => Settings::uncovered_limit(),
			'lifetime'        => max( 1, Settings::hold_lifetime_minutes() ) * MINUTE_IN_SECONDS,
		];
		unset( $request['_quota_rules'], $request['_scopes'] );

		$result = Transaction::run(
			static function () use ( $v, $identity, $request, $rules, $scopes, $settings, $now, $core ) {
				global $wpdb;
				$at      = Clock::sql( $now );
				$balance = [
					'balance'   => '0.000000',
					'held'      => '0.000000',
					'available' => '0.000000',
					'uncovered' => '0.000000',
				];
				// Every row that could be the current one is locked without knowing the period key; the
				// core picks the current row per subject or says to create it.
				if ( $v['user_id'] > 0 ) {
					[ $balance, $counters ] = Quotas::lock_balance_and_candidates( $v['user_id'], $identity['subjects'], $scopes, $now );
				} else {
					$counters = Quotas::lock_candidates( $identity['subjects'], $scopes, $now );
				}
				$a = $core->authorize(
					$request + [
						'counters'          => $counters,
						'balance_available' => $balance['available'],
						'uncovered'         => $balance['uncovered'],
						'uncovered_limit'   => $settings['uncovered_limit'],
						'order'             => $settings['order'],
					]
				);
				if ( is_wp_error( $a ) ) {
					return ErrorMessages::translate( $a );
				}
				$quote  = $a['price'];
				$ctx    = self::context( $a['quota'], $rules, $v );
				$refuse = static function ( string $reason, string $shortfall ) use ( $v, $identity, $quote, $ctx, $balance, $a, $now ) {
					return Refusal::error( $reason, $shortfall, $v, $identity, $quote, $ctx, $balance, $a['counters'], $now );
				};
				if ( ! $a['admitted'] ) {
					return $refuse( (string) $a['reason'], $a['shortfall'] );
				}
				$ids = [];
				foreach ( $a['counters'] as $c ) {
					// A new period's row: the unique key makes two concurrent creations one row, and the
					// conditional UPDATE below still decides admission on what it then holds.
					$ids[] = null === $c['id'] ? Quotas::create( $c['subject'], $ctx['scope'], $ctx['period_key'], $a['quota']['next_starts_at'], $at ) : (int) $c['id'];
				}
				sort( $ids );
				if ( ! Decimal::is_zero( $a['hold_balance'] ) ) {
					// The row is locked, so this cannot fail in practice; the condition is the database's
					// own proof that no credit is promised twice.
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
					$n = Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::balances() . ' SET held = held + %s, updated_at = %s WHERE user_id = %d AND balance - held >= %s', $a['hold_balance'], $at, $v['user_id'], $a['hold_balance'] ) );
					if ( 1 !== $n ) {
						return $refuse( 'quota_exceeded', $a['hold_balance'] );
					}
				}
				if ( ! Decimal::is_zero( $a['hold_quota'] ) ) {
					$in   = implode( ',', $ids );
					$cond = null === $ctx['limit'] ? '' : $wpdb->prepare( ' AND used + held + %s <= %s', $a['hold_quota'], $ctx['limit'] );
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables, integer ids, prepared condition
					$n = Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::counters() . " SET held = held + %s, updated_at = %s WHERE id IN ($in)", $a['hold_quota'], $at ) . $cond );
					if ( count( $ids ) !== $n ) {
						return $refuse( 'quota_exceeded', $a['hold_quota'] );
					}
				}
				$row = [
					'request_id'   => $v['request_id'],
					'user_id'      => $v['user_id'],
					'subject'      => $identity['subject'],
					'subjects'     => wp_json_encode( $identity['subjects'] ),
					'module'       => $v['module'],
					'bot_id'       => $v['bot_id'],
					'usage_type'   => $v['usage_type'],
					'provider'     => $v['provider'],
					'model'        => $v['model'],
					'hold_balance' => $a['hold_balance'],
					'hold_quota'   => $a['hold_quota'],
					'counters'     => wp_json_encode( $ids ),
					'status'       => 'held',
					// What authorize answered beyond the row itself, so a repeated request id gets the first result back.
					// quota_limit: the limit this hold was admitted under; its counters (scope, period) are
					// fixed here too, so settle charges them against the same limit without resolving it again.
					'result'       => wp_json_encode(
						[
							'authorize' => [
								'quote'       => $quote,
								'guest_key'   => $identity['guest_key'],
								'quota_limit' => $ctx['limit'],
							],
						]
					),
					'created_at'   => $at,
					'expires_at'   => Clock::sql( $now + $settings['lifetime'] ),
				];
				// phpcs:ignore WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- one placeholder per column, built from the row
				$sql = $wpdb->prepare(
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables, column names are literal keys
					'INSERT INTO ' . Tables::holds() . ' (' . implode( ', ', array_keys( $row ) ) . ') VALUES (%s, %d' . str_repeat( ', %s', count( $row ) - 2 ) . ')',
					array_values( $row )
				);
				try {
					Transaction::query( $sql );
				} catch ( DbException $e ) {
					if ( str_contains( $e->getMessage(), 'Duplicate entry' ) ) {
						// The same request id was authorized concurrently: undo ours, answer theirs.
						return new WP_Error( 'aipkit_duplicate_request', 'duplicate', [ 'status' => 409 ] );
					}
					throw $e;
				}
				// The row as stored (DATETIME and DECIMAL(…,6) read back as written), so the answer needs
				// no re-read. The core splits the whole estimate, so hold_balance + hold_quota = credits.
				$row['id']       = Transaction::insert_id();
				$row['estimate'] = $quote['credits'];
				return $row;
			}
		);
		if ( is_wp_error( $result ) ) {
			if ( 'aipkit_duplicate_request' === $result->get_error_code() ) {
				$existing = $this->holds->find_by_request( $v['request_id'] );
				return $existing ? $this->replay( $existing, $v, $identity['subject'] ) : $result;
			}
			// Announced only now that the transaction is over, so a listener's own writes are kept.
			return Refusal::announce( $result );
		}
		return HoldStore::first_authorize( $result );
	}

	/**
	 * What the core's `authorize` needs besides the locked rows: the candidate pricing rules, the
	 * estimate, the module's and bot's quota rules, who asks, the site's clock. Gathered before the
	 * transaction (no core call); `_quota_rules` and `_scopes` are for PHP only.
	 */
	private function request( array $v, array $subjects, int $now ): array {
		$roles = [];
		if ( $v['user_id'] > 0 ) {
			$u     = get_userdata( $v['user_id'] );
			$roles = $u ? array_values( (array) $u->roles ) : [];
		}
		$rules = QuotaRules::candidates( $v['module'], $v['bot_id'] );
		sort( $subjects );
		return [
			'rules'         => PricingRules::candidates( (string) $v['usage_type'], (string) $v['provider'], (string) $v['model'] ),
			'usage'         => Settler::usage( $v, $v['estimate'] ),
			'module'        => $v['module'],
			'bot_id'        => $v['bot_id'],
			'quota_rules'   => array_map(
				static fn( $r ) => [
					'bot_id'      => $r['bot_id'],
					'guest_limit' => $r['guest_limit'],
					'user_limit'  => $r['user_limit'],
					'role_limits' => (object) $r['role_limits'],
					'period'      => $r['period'],
				],
				$rules
			),
			'subject'       => $v['user_id'] > 0 ? 'user' : 'guest',
			'roles'         => $roles,
			'no_quota_rule' => Settings::no_quota_rule(),
			'now'           => $now,
			'utc_offsets'   => Gateway::utc_offsets( $now ),
			'start_of_week' => Gateway::start_of_week(),
			'subjects'      => $subjects,
			'_quota_rules'  => $rules,
			// The counters' scope is the module's, or the bot's when it has its own rule.
			'_scopes'       => '' === $v['bot_id'] ? [ $v['module'] ] : [ $v['module'], $v['module'] . ':' . $v['bot_id'] ],
		];
	}

	/**
	 * The quota context refusals and the hold row use, from the core's answer and the rule rows.
	 *
	 * @return array{rule:?array,scope:string,limit:?string,period:string,period_key:string,message:string}
	 */
	private static function context( array $q, array $rules, array $v ): array {
		$rule = null;
		foreach ( $rules as $r ) {
			if ( ( 'bot' === $q['rule'] && $r['bot_id'] === $v['bot_id'] ) || ( 'module' === $q['rule'] && '' === $r['bot_id'] ) ) {
				$rule = $r;
			}
		}
		return [
			'rule'       => $rule,
			'scope'      => $q['scope'],
			'limit'      => $q['limit'],
			'period'     => $q['period'],
			'period_key' => $q['period_key'],
			'message'    => $rule ? $rule['message'] : '',
		];
	}

	/**
	 * The same request id again: the first answer when it is this subject's request in this module,
	 * a conflict when it is anyone else's (never their hold).
	 *
	 * @return array|WP_Error
	 */
	private function replay( array $existing, array $v, string $subject ) {
		if ( HoldStore::subject_of( $existing ) !== $subject || (string) $existing['module'] !== $v['module'] ) {
			return new WP_Error(
				'aipkit_request_conflict',
				__( 'This request id is already used by another request. Send a new request id.', 'aipkit-usage' ),
				[
					'status' => 409,
					'field'  => 'request_id',
				]
			);
		}
		return HoldStore::first_authorize( $existing );
	}
}
