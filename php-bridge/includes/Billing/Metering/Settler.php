<?php
namespace AipkitUsage\Billing\Metering;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\ErrorMessages;
use AipkitUsage\Billing\Ledger;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Transaction;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Settings;
use WP_Error;

/**
 * The charge: one transaction locks the hold, then the balance row and the counters, prices the
 * actual usage, lets the core split it (hold first, then what is still available, the rest
 * uncovered), writes the balance/counter UPDATEs, the usage ledger row, the log exchange and the
 * hold's final result, and commits them together. A second settle answers the first result.
 */
final class Settler {
	public function __construct( private Clock $clock, private Gateway $core, private HoldStore $holds ) {
	}

	/**
	 * @param int|array $hold   hold id or the array authorize returned
	 * @param array     $actual input_tokens, output_tokens, images, videos; failed (bool)
	 * @param array     $log    optional exchange for the logs (conversation_id, user_message, reply, metadata, vector_context, status)
	 * @return array|WP_Error
	 */
	public function settle( $hold, array $actual, array $log = [] ) {
		$hold_id = RequestValidator::hold_id( $hold );
		if ( is_wp_error( $hold_id ) ) {
			return $hold_id;
		}
		$counts = RequestValidator::counts( $actual, 'actual' );
		if ( is_wp_error( $counts ) ) {
			return $counts;
		}
		$failed = ! empty( $actual['failed'] );
		$first  = false;
		$holds  = $this->holds;
		$core   = $this->core;
		$now    = $this->clock->now();
		$order  = Settings::consumption_order();
		$result = Transaction::run(
			static function () use ( $hold_id, $hold, $counts, $failed, $log, $holds, $core, $now, $order, &$first ) {
				global $wpdb;
				$first = false;
				$at    = Clock::sql( $now );
				$h     = $holds->lock_with_balance( $hold_id, $hold );
				if ( is_wp_error( $h ) ) {
					return $h;
				}
				$balance = $h['_balance'];
				unset( $h['_balance'] );
				if ( in_array( $h['status'], [ 'settled', 'released' ], true ) ) {
					return HoldStore::final_result( $h );
				}
				$expired = 'expired' === $h['status'];
				// An expired hold was already released: the usage still happened, so it is charged
				// against whatever is available now, and what nothing covers is recorded as uncovered.
				$hb  = $expired ? '0.000000' : Decimal::db( $h['hold_balance'] );
				$hq  = $expired ? '0.000000' : Decimal::db( $h['hold_quota'] );
				$ids = HoldStore::counters( $h );
				$uid = (int) $h['user_id'];

				if ( $uid > 0 && null === $balance ) {
					// A user's first metered request that held nothing from a balance row: create and lock it.
					$balance = Balances::lock( $uid );
				}
				$limit = HoldStore::admitted_limit( $h );
				if ( false === $limit ) {
					$ctx = Quotas::context( $h['module'], $h['bot_id'], $uid, $now );
					if ( is_wp_error( $ctx ) ) {
						return $ctx;
					}
					$limit = $ctx['limit'];
				}
				// One core call decides the whole settle: price, split, status and ledger key.
				$s = $core->settle_usage(
					[
						'rules'             => PricingRules::candidates( (string) $h['usage_type'], (string) $h['provider'], (string) $h['model'] ),
						'usage'             => self::usage( $h, $counts ),
						'failed'            => $failed,
						'hold_balance'      => $hb,
						'hold_quota'        => $hq,
						'balance_available' => $balance ? $balance['available'] : '0',
						'quota_remaining'   => Quotas::remaining( $ids, $limit ),
						'order'             => $order,
						'request_id'        => (string) $h['request_id'],
					] + ( $balance ? [ 'balance' => $balance['balance'] ] : [] )
				);
				if ( is_wp_error( $s ) ) {
					return ErrorMessages::translate( $s );
				}
				$quote = $s['quote'];
				$cost  = $s['credits'];
				// Adding and removing nothing is skipped (it would only touch updated_at).
				if ( $ids && ! ( Decimal::is_zero( $s['quota_count'] ) && Decimal::is_zero( $hq ) ) ) {
					sort( $ids );
					$in = implode( ',', $ids );
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables, integer ids
					Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::counters() . " SET used = used + %s, held = held - %s, updated_at = %s WHERE id IN ($in) AND held >= %s", $s['quota_count'], $hq, $at, $hq ) );
				}
				$charged   = 'settled' === $s['status'];
				$ledger_id = null;
				// The core's balance_after is the locked balance less this debit: what the UPDATE below leaves.
				$after = $uid > 0 ? $s['balance_after'] : null;
				if ( $charged ) {
					$ledger_id = Ledger::append(
						[
							'created_at'      => $at,
							'kind'            => 'usage',
							'user_id'         => $uid,
							'subject'         => HoldStore::subject_of( $h ),
							'amount'          => Decimal::negate( $s['balance_debit'] ),
							'quota_amount'    => $s['quota_count'],
							'uncovered'       => $s['uncovered'],
							'balance_after'   => $after,
							'actor_id'        => $uid,
							'module'          => $h['module'],
							'bot_id'          => $h['bot_id'],
							'usage_type'      => $h['usage_type'],
							'provider'        => $h['provider'],
							'model'           => $h['model'],
							'input_tokens'    => $counts['input_tokens'],
							'output_tokens'   => $counts['output_tokens'],
							'units'           => (string) $quote['units'],
							'rule_snapshot'   => [
								'rule'      => $quote['rule_snapshot'],
								'method'    => $quote['method'],
								'fallback'  => (bool) $quote['fallback'],
								'breakdown' => $quote['breakdown'],
								'usage'     => $counts,
							],
							'note'            => $quote['fallback'] ? 'No pricing rule matched: charged raw usage units.' : '',
							'idempotency_key' => $s['ledger_key'],
						],
						false // the locked hold (status held) rules out a second usage entry; UNIQUE still guards
					);
					if ( is_wp_error( $ledger_id ) ) {
						return $ledger_id;
					}
				}
				$out = [
					'hold_id'          => (int) $h['id'],
					'request_id'       => $h['request_id'],
					'status'           => $s['status'],
					'credits'          => $cost,
					'balance_debit'    => $s['balance_debit'],
					'quota_count'      => $s['quota_count'],
					'uncovered'        => $s['uncovered'],
					'released_balance' => $s['released_balance'],
					'released_quota'   => $s['released_quota'],
					'ledger_id'        => $ledger_id,
					'fallback'         => (bool) $quote['fallback'],
					'rule_id'          => $quote['rule_id'],
					'breakdown'        => $quote['breakdown'],
					'balance_after'    => $after,
				];
				if ( $log ) {
					$out += UsageLog::write( $h, $counts, $out, $log, $failed );
				}
				// The final result, log id included, is stored in the same commit as the charge, by the
				// statement that charges the balance (both rows are locked since the start of the unit).
				// MariaDB counts changed rows, so a no-op balance change would look like a failed condition:
				// then only the hold is written. The user's uncovered total grows with what nothing paid
				// for; admission bounds it.
				$final = HoldStore::with_final( $h, $out );
				if ( $uid > 0 && ! ( Decimal::is_zero( $s['balance_debit'] ) && Decimal::is_zero( $hb ) && Decimal::is_zero( $s['uncovered'] ) ) ) {
					$n = Transaction::query(
						$wpdb->prepare(
							// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table names from Tables
							'UPDATE ' . Tables::holds() . ' h JOIN ' . Tables::balances() . ' b ON b.user_id = h.user_id SET b.balance = b.balance - %s, b.held = b.held - %s, b.uncovered = b.uncovered + %s, b.updated_at = %s, h.status = %s, h.result = %s WHERE h.id = %d AND b.user_id = %d AND b.held >= %s AND b.balance - %s >= b.held - %s',
							$s['balance_debit'],
							$hb,
							$s['uncovered'],
							$at,
							$out['status'],
							$final,
							$h['id'],
							$uid,
							$hb,
							$s['balance_debit'],
							$hb
						)
					);
					// Two changed rows: the balance and the hold (whose status always changes from held or expired).
					if ( 2 !== $n ) {
						return new WP_Error( 'aipkit_balance_conflict', __( 'The balance no longer covers this hold.', 'aipkit-usage' ), [ 'status' => 409 ] );
					}
				} else {
					// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
					Transaction::query( $wpdb->prepare( 'UPDATE ' . Tables::holds() . ' SET status = %s, result = %s WHERE id = %d', $out['status'], $final, $h['id'] ) );
				}
				$first        = true;
				$out['_hold'] = $h;
				return $out;
			}
		);
		if ( is_wp_error( $result ) || ! $first ) {
			return $result;
		}
		$h = $result['_hold'];
		unset( $result['_hold'] );
		if ( $result['ledger_id'] ) {
			do_action( 'aipkit_usage_charged', (int) $h['user_id'], $result, $h );
			if ( (int) $h['user_id'] > 0 && ! Decimal::is_zero( $result['balance_debit'] ) ) {
				do_action( 'aipkit_usage_balance_changed', (int) $h['user_id'], $result['balance_after'], Decimal::negate( $result['balance_debit'] ), 'usage', $result['ledger_id'] );
			}
		}
		return $result;
	}

	/** The core's usage object for a request or hold row and a set of counts. */
	public static function usage( array $v, array $counts ): array {
		return [
			'usage_type'    => $v['usage_type'],
			'provider'      => $v['provider'],
			'model'         => $v['model'],
			'input_tokens'  => $counts['input_tokens'],
			'output_tokens' => $counts['output_tokens'],
			'images'        => $counts['images'],
			'videos'        => $counts['videos'],
		];
	}
}
