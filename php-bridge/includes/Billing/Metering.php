<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * authorize → settle | release. Each step is one transaction that locks, in this order, the hold row
 * (settle/release), the user's balance row, then the quota counters by id; the core decides the
 * amounts from what the locked rows say, and conditional UPDATEs re-check the limits in SQL.
 */
final class Metering {
	private const COUNTS = [ 'input_tokens', 'output_tokens', 'images', 'videos' ];

	/** @return array|WP_Error */
	public static function authorize( array $req ) {
		$v = self::validate_request( $req );
		if ( is_wp_error( $v ) ) {
			return $v;
		}
		if ( $v['user_id'] > 0 ) {
			$identity = [
				'subjects'  => [ 'user:' . $v['user_id'] ],
				'guest_key' => '',
			];
			$existing = self::replay_or_sweep( $v['request_id'], $v['user_id'] );
		} else {
			// A guest's identity may set the cookie, which a replay must not do: look the request up first.
			$existing = self::find_by_request( $v['request_id'] );
			if ( ! $existing ) {
				$identity = GuestIdentity::current();
				self::sweep_for( 0, $identity['subjects'] );
			}
		}
		if ( $existing ) {
			return self::first_authorize( $existing );
		}

		// Lean price of the estimate against only the rules that could match; the breakdown is
		// computed once, at settle, where it goes into the ledger's rule snapshot.
		$quote = Core::price( self::rules_for( $v ), self::usage( $v, $v['estimate'] ) );
		if ( is_wp_error( $quote ) ) {
			return $quote;
		}
		$ctx = Quotas::context( $v['module'], $v['bot_id'], $v['user_id'] );
		if ( is_wp_error( $ctx ) ) {
			return $ctx;
		}
		$order    = Config::order();
		$lifetime = Config::hold_lifetime();

		$result = Transaction::run(
			static function () use ( $v, $identity, $quote, $ctx, $order, $lifetime ) {
				global $wpdb;
				$available = '0';
				if ( $v['user_id'] > 0 ) {
					$available = Balances::lock_existing( $v['user_id'] )['available'];
				}
				$ids       = Quotas::lock( $identity['subjects'], $ctx['scope'], $ctx['period_key'] );
				$remaining = Quotas::remaining( $ids, $ctx['limit'] );
				$admit     = Core::admit(
					[
						'estimate'          => $quote['credits'],
						'balance_available' => $available,
						'quota_remaining'   => $remaining,
						'order'             => $order,
					]
				);
				if ( is_wp_error( $admit ) ) {
					return $admit;
				}
				if ( ! $admit['admitted'] ) {
					return self::refusal( $ctx, $quote['credits'], $admit['shortfall'] );
				}
				if ( ! Decimal::is_zero( $admit['hold_balance'] ) ) {
					// The row is locked, so this cannot fail in practice; the condition is the database's
					// own proof that no credit is promised twice.
					$n = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::balances() . ' SET held = held + %s, updated_at = UTC_TIMESTAMP() WHERE user_id = %d AND balance - held >= %s', $admit['hold_balance'], $v['user_id'], $admit['hold_balance'] ) );
					if ( is_wp_error( $n ) ) {
						return $n;
					}
					if ( 1 !== $n ) {
						return self::refusal( $ctx, $quote['credits'], $admit['hold_balance'] );
					}
				}
				if ( ! Decimal::is_zero( $admit['hold_quota'] ) ) {
					$in   = implode( ',', $ids );
					$cond = null === $ctx['limit'] ? '' : $wpdb->prepare( ' AND used + held + %s <= %s', $admit['hold_quota'], $ctx['limit'] );
					$n    = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::counters() . " SET held = held + %s, updated_at = UTC_TIMESTAMP() WHERE id IN ($in)", $admit['hold_quota'] ) . $cond );
					if ( is_wp_error( $n ) ) {
						return $n;
					}
					if ( count( $ids ) !== $n ) {
						return self::refusal( $ctx, $quote['credits'], $admit['hold_quota'] );
					}
				}
				$row = [
					'request_id'   => $v['request_id'],
					'user_id'      => $v['user_id'],
					'subjects'     => wp_json_encode( $identity['subjects'] ),
					'module'       => $v['module'],
					'bot_id'       => $v['bot_id'],
					'usage_type'   => $v['usage_type'],
					'provider'     => $v['provider'],
					'model'        => $v['model'],
					'hold_balance' => $admit['hold_balance'],
					'hold_quota'   => $admit['hold_quota'],
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
					'created_at'   => gmdate( 'Y-m-d H:i:s' ),
					'expires_at'   => gmdate( 'Y-m-d H:i:s', time() + $lifetime ),
				];
				$ok  = $wpdb->insert( Tables::holds(), $row, [ '%s', '%d', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s', '%s' ] );
				if ( false === $ok ) {
					Transaction::check_error();
					if ( str_contains( (string) $wpdb->last_error, 'Duplicate entry' ) ) {
						// The same request id was authorized concurrently: undo ours, report theirs.
						return new WP_Error( 'aipkit_duplicate_request', 'duplicate', [ 'status' => 409 ] );
					}
					return new WP_Error(
						'aipkit_db_error',
						__( 'The hold could not be placed.', 'aipkit-usage' ),
						[
							'status' => 500,
							'detail' => $wpdb->last_error,
						]
					);
				}
				// The row as stored (DATETIME and DECIMAL(…,6) read back as written), so the answer needs
				// no re-read. admit splits the whole estimate, so hold_balance + hold_quota = credits.
				$row['id']       = (int) $wpdb->insert_id;
				$row['estimate'] = $quote['credits'];
				return $row;
			}
		);
		if ( is_wp_error( $result ) ) {
			if ( 'aipkit_quota_exceeded' === $result->get_error_code() ) {
				do_action( 'aipkit_usage_refused', Refusals::from_metering( $v, $identity, $quote, $ctx, $result ) ); // Interim (helper dashboard): helper money fires this (interfaces §2).
			}
			if ( 'aipkit_duplicate_request' === $result->get_error_code() ) {
				$existing = self::find_by_request( $v['request_id'] );
				return $existing ? self::first_authorize( $existing ) : $result;
			}
			return $result;
		}
		return self::first_authorize( $result );
	}

	/**
	 * Charges the actual cost against the hold and releases the rest. A failed or zero-usage reply
	 * charges nothing. Settling twice returns the first result.
	 *
	 * @param int|array $hold   hold id or the array authorize returned
	 * @param array     $actual input_tokens, output_tokens, images, videos; failed (bool)
	 * @param array     $log    optional exchange for the logs (conversation_id, user_message, reply, metadata, vector_context)
	 * @return array|WP_Error
	 */
	public static function settle( $hold, array $actual, array $log = [] ) {
		$hold_id = self::hold_id( $hold );
		if ( is_wp_error( $hold_id ) ) {
			return $hold_id;
		}
		$counts = self::counts( $actual, 'actual' );
		if ( is_wp_error( $counts ) ) {
			return $counts;
		}
		$failed = ! empty( $actual['failed'] );
		$first  = false;
		$result = Transaction::run(
			static function () use ( $hold_id, $hold, $counts, $failed, &$first ) {
				global $wpdb;
				$h = self::lock_hold( $hold_id, $hold );
				if ( is_wp_error( $h ) ) {
					return $h;
				}
				if ( in_array( $h['status'], [ 'settled', 'released' ], true ) ) {
					return self::final_result( $h );
				}
				$first   = true;
				$expired = 'expired' === $h['status'];
				// An expired hold was already released: the usage still happened, so it is charged
				// against whatever is available now, and what nothing covers is recorded as uncovered.
				$hb  = $expired ? '0.000000' : Decimal::db( $h['hold_balance'] );
				$hq  = $expired ? '0.000000' : Decimal::db( $h['hold_quota'] );
				$ids = array_map( 'intval', json_decode( (string) $h['counters'], true ) ?: [] );
				$uid = (int) $h['user_id'];

				$quote = Core::quote( self::rules_for( $h ), self::usage( $h, $counts ) );
				if ( is_wp_error( $quote ) ) {
					return $quote;
				}
				$cost = $failed ? '0.000000' : $quote['credits'];

				$available = '0';
				if ( $uid > 0 ) {
					$available = Balances::lock_existing( $uid )['available'];
				}
				$limit = self::hold_limit( $h );
				if ( is_wp_error( $limit ) ) {
					return $limit;
				}
				$remaining = Quotas::remaining( $ids, $limit );
				$s         = Core::settle(
					[
						'hold_balance'      => $hb,
						'hold_quota'        => $hq,
						'actual'            => $cost,
						'balance_available' => $available,
						'quota_remaining'   => $remaining,
						'order'             => Config::order(),
					]
				);
				if ( is_wp_error( $s ) ) {
					return $s;
				}
				// MariaDB counts changed rows, so a no-op UPDATE would look like a failed condition: skip it.
				if ( $uid > 0 && ! ( Decimal::is_zero( $s['balance_debit'] ) && Decimal::is_zero( $hb ) ) ) {
					$n = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::balances() . ' SET balance = balance - %s, held = held - %s, updated_at = UTC_TIMESTAMP() WHERE user_id = %d AND held >= %s AND balance - %s >= held - %s', $s['balance_debit'], $hb, $uid, $hb, $s['balance_debit'], $hb ) );
					if ( is_wp_error( $n ) ) {
						return $n;
					}
					if ( 1 !== $n ) {
						return new WP_Error( 'aipkit_balance_conflict', __( 'The balance no longer covers this hold.', 'aipkit-usage' ), [ 'status' => 409 ] );
					}
				}
				// Adding and removing nothing is skipped (it would only touch updated_at).
				if ( $ids && ! ( Decimal::is_zero( $s['quota_count'] ) && Decimal::is_zero( $hq ) ) ) {
					sort( $ids );
					$in = implode( ',', $ids );
					$n  = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::counters() . " SET used = used + %s, held = held - %s, updated_at = UTC_TIMESTAMP() WHERE id IN ($in) AND held >= %s", $s['quota_count'], $hq, $hq ) );
					if ( is_wp_error( $n ) ) {
						return $n;
					}
				}
				$charged   = ! Decimal::is_zero( $cost );
				$ledger_id = null;
				// Read once, after this transaction's own UPDATE of the locked row.
				$after = $uid > 0 ? Decimal::db( $wpdb->get_var( $wpdb->prepare( 'SELECT balance FROM ' . Tables::balances() . ' WHERE user_id = %d', $uid ) ) ) : null;
				if ( $charged ) {
					$key = Core::key( 'usage', [ $h['request_id'] ] );
					if ( is_wp_error( $key ) ) {
						return $key;
					}
					$subjects  = json_decode( (string) $h['subjects'], true ) ?: [];
					$ledger_id = Ledger::append(
						[
							'kind'            => 'usage',
							'user_id'         => $uid,
							'subject'         => (string) ( $subjects[0] ?? '' ),
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
							'idempotency_key' => $key,
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
					'status'           => $charged ? 'settled' : 'released',
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
				$n   = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::holds() . ' SET status = %s, result = %s WHERE id = %d', $out['status'], self::stored_with( $h, $out ), $h['id'] ) );
				if ( is_wp_error( $n ) ) {
					return $n;
				}
				$out['_hold'] = $h;
				return $out;
			}
		);
		if ( is_wp_error( $result ) || ! $first ) {
			return $result;
		}
		$h = $result['_hold'];
		unset( $result['_hold'] );
		if ( $log ) {
			$result['log_id'] = self::write_log( $h, $counts, $result, $log, $failed );
			// Kept with the first result, so a repeated settle returns it too.
			global $wpdb;
			$wpdb->query( $wpdb->prepare( 'UPDATE ' . Tables::holds() . ' SET result = %s WHERE id = %d', self::stored_with( $h, $result ), $h['id'] ) );
		}
		if ( $result['ledger_id'] ) {
			do_action( 'aipkit_usage_charged', (int) $h['user_id'], $result, $h );
			if ( (int) $h['user_id'] > 0 && ! Decimal::is_zero( $result['balance_debit'] ) ) {
				do_action( 'aipkit_usage_balance_changed', (int) $h['user_id'], $result['balance_after'], Decimal::negate( $result['balance_debit'] ), 'usage', $result['ledger_id'] );
			}
		}
		return $result;
	}

	/** @return array|WP_Error */
	public static function release( $hold, string $status = 'released' ) {
		$hold_id = self::hold_id( $hold );
		if ( is_wp_error( $hold_id ) ) {
			return $hold_id;
		}
		return Transaction::run(
			static function () use ( $hold_id, $hold, $status ) {
				global $wpdb;
				$h = self::lock_hold( $hold_id, $hold );
				if ( is_wp_error( $h ) ) {
					return $h;
				}
				if ( 'held' !== $h['status'] ) {
					return self::final_result( $h ) ?? self::hold_view( $h );
				}
				$uid = (int) $h['user_id'];
				$ids = array_map( 'intval', json_decode( (string) $h['counters'], true ) ?: [] );
				if ( $uid > 0 ) {
					Balances::lock( $uid );
					$n = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::balances() . ' SET held = held - %s WHERE user_id = %d AND held >= %s', $h['hold_balance'], $uid, $h['hold_balance'] ) );
					if ( is_wp_error( $n ) ) {
						return $n;
					}
				}
				if ( $ids ) {
					Quotas::lock_ids( $ids );
					$in = implode( ',', $ids );
					$n  = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::counters() . " SET held = held - %s WHERE id IN ($in) AND held >= %s", $h['hold_quota'], $h['hold_quota'] ) );
					if ( is_wp_error( $n ) ) {
						return $n;
					}
				}
				$out = [
					'hold_id'          => (int) $h['id'],
					'request_id'       => $h['request_id'],
					'status'           => $status,
					'credits'          => '0.000000',
					'released_balance' => Decimal::db( $h['hold_balance'] ),
					'released_quota'   => Decimal::db( $h['hold_quota'] ),
					'ledger_id'        => null,
				];
				// An expired hold keeps no final result: a late settle must still charge the real usage.
				$n = Transaction::exec( $wpdb->prepare( 'UPDATE ' . Tables::holds() . ' SET status = %s, result = %s WHERE id = %d', $status, 'expired' === $status ? (string) $h['result'] : self::stored_with( $h, $out ), $h['id'] ) );
				if ( is_wp_error( $n ) ) {
					return $n;
				}
				return $out;
			}
		);
	}

	/** Releases every expired hold (cron, every 5 minutes), in bounded batches. @return int released */
	public static function sweep( int $limit = 500 ): int {
		global $wpdb;
		$ids = $wpdb->get_col( $wpdb->prepare( 'SELECT id FROM ' . Tables::holds() . " WHERE status = 'held' AND expires_at < UTC_TIMESTAMP() ORDER BY expires_at LIMIT %d", $limit ) );
		$n   = 0;
		foreach ( $ids as $id ) {
			$r = self::release( (int) $id, 'expired' );
			if ( ! is_wp_error( $r ) && 'expired' === ( $r['status'] ?? '' ) ) {
				++$n;
			}
		}
		return $n;
	}

	/**
	 * A user's request: one statement finds a hold already placed for this request id (a replay,
	 * returned whole) or else the user's own expired holds, which are released now.
	 */
	private static function replay_or_sweep( string $request_id, int $user_id ): ?array {
		global $wpdb;
		$t    = Tables::holds();
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"(SELECT id, 1 AS same FROM $t WHERE request_id = %s)
				 UNION ALL (SELECT id, 0 FROM $t WHERE user_id = %d AND status = 'held' AND expires_at < UTC_TIMESTAMP() LIMIT 50)",
				$request_id,
				$user_id
			),
			ARRAY_A
		) ?: [];
		foreach ( $rows as $r ) {
			if ( '1' === (string) $r['same'] ) {
				return self::find_by_request( $request_id );
			}
		}
		foreach ( $rows as $r ) {
			self::release( (int) $r['id'], 'expired' );
		}
		return null;
	}

	/** The subject's own expired holds are released on its next request, not only by cron. */
	private static function sweep_for( int $user_id, array $subjects ): void {
		global $wpdb;
		$t = Tables::holds();
		if ( $user_id > 0 ) {
			$ids = $wpdb->get_col( $wpdb->prepare( "SELECT id FROM $t WHERE user_id = %d AND status = 'held' AND expires_at < UTC_TIMESTAMP() LIMIT 50", $user_id ) );
		} else {
			$ids = $wpdb->get_col( $wpdb->prepare( "SELECT id FROM $t WHERE user_id = 0 AND status = 'held' AND expires_at < UTC_TIMESTAMP() AND subjects = %s LIMIT 50", wp_json_encode( $subjects ) ) );
		}
		foreach ( $ids as $id ) {
			self::release( (int) $id, 'expired' );
		}
	}

	public static function find( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT *, hold_balance + hold_quota AS estimate FROM ' . Tables::holds() . ' WHERE id = %d', $id ), ARRAY_A );
		return $row ?: null;
	}

	private static function find_by_request( string $request_id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT *, hold_balance + hold_quota AS estimate FROM ' . Tables::holds() . ' WHERE request_id = %s', $request_id ), ARRAY_A );
		return $row ?: null;
	}

	/** @return array|WP_Error the locked hold row */
	private static function lock_hold( int $hold_id, $given ) {
		global $wpdb;
		$h = $wpdb->get_row( $wpdb->prepare( 'SELECT *, hold_balance + hold_quota AS estimate FROM ' . Tables::holds() . ' WHERE id = %d FOR UPDATE', $hold_id ), ARRAY_A );
		Transaction::check_error();
		if ( ! $h ) {
			return new WP_Error(
				'aipkit_hold_not_found',
				sprintf( __( 'Hold #%d does not exist.', 'aipkit-usage' ), $hold_id ),
				[
					'status' => 404,
					'field'  => 'hold',
				]
			);
		}
		// A caller holding an authorize result for another user (or request) must not spend this hold.
		if ( is_array( $given ) && ( ( isset( $given['user_id'] ) && (int) $given['user_id'] !== (int) $h['user_id'] ) || ( isset( $given['request_id'] ) && (string) $given['request_id'] !== $h['request_id'] ) ) ) {
			return new WP_Error(
				'aipkit_hold_not_yours',
				__( 'This hold belongs to another request.', 'aipkit-usage' ),
				[
					'status' => 409,
					'field'  => 'hold',
				]
			);
		}
		return $h;
	}

	private static function hold_id( $hold ) {
		$id = is_array( $hold ) ? ( $hold['hold_id'] ?? null ) : $hold;
		if ( ! is_numeric( $id ) || (int) $id <= 0 || (string) (int) $id !== (string) $id ) {
			return new WP_Error(
				'aipkit_hold_not_found',
				__( 'hold must be a hold id or the array aipkit_usage_authorize() returned.', 'aipkit-usage' ),
				[
					'status' => 404,
					'field'  => 'hold',
				]
			);
		}
		return (int) $id;
	}

	/** What authorize first answered for this hold (status `held`, its quote and guest key), whatever happened since. */
	private static function first_authorize( array $h ): array {
		$stored         = json_decode( (string) $h['result'], true );
		$first          = is_array( $stored['authorize'] ?? null ) ? $stored['authorize'] : [];
		$view           = self::hold_view( $h );
		$view['status'] = 'held';
		if ( isset( $first['quote'] ) ) {
			$view['quote']     = $first['quote'];
			$view['guest_key'] = (string) ( $first['guest_key'] ?? '' );
		}
		return $view;
	}

	/** The first settle/release result, or null while there is none (held, expired). */
	private static function final_result( array $h ): ?array {
		$stored = json_decode( (string) $h['result'], true );
		if ( ! is_array( $stored ) ) {
			return null;
		}
		if ( array_key_exists( 'final', $stored ) || array_key_exists( 'authorize', $stored ) ) {
			return is_array( $stored['final'] ?? null ) ? $stored['final'] : null;
		}
		return $stored; // Rows written before the authorize part was kept hold the final result alone.
	}

	private static function stored_with( array $h, array $final ): string {
		$stored = json_decode( (string) $h['result'], true );
		return (string) wp_json_encode(
			[
				'authorize' => is_array( $stored['authorize'] ?? null ) ? $stored['authorize'] : null,
				'final'     => $final,
			]
		);
	}

	private static function hold_view( array $h ): array {
		return [
			'hold_id'      => (int) $h['id'],
			'request_id'   => $h['request_id'],
			'user_id'      => (int) $h['user_id'],
			'module'       => $h['module'],
			'bot_id'       => $h['bot_id'],
			'status'       => $h['status'],
			'hold_balance' => Decimal::db( $h['hold_balance'] ),
			'hold_quota'   => Decimal::db( $h['hold_quota'] ),
			'estimate'     => Decimal::db( $h['estimate'] ),
			'expires_at'   => $h['expires_at'],
		];
	}

	/**
	 * The quota limit the hold was admitted under (kept with its authorize result); holds written
	 * before that was kept resolve the rule as it is now.
	 *
	 * @return ?string|WP_Error
	 */
	private static function hold_limit( array $h ) {
		$stored = json_decode( (string) $h['result'], true );
		if ( is_array( $stored['authorize'] ?? null ) && array_key_exists( 'quota_limit', $stored['authorize'] ) ) {
			$l = $stored['authorize']['quota_limit'];
			return null === $l ? null : Decimal::db( $l );
		}
		$ctx = Quotas::context( $h['module'], $h['bot_id'], (int) $h['user_id'] );
		return is_wp_error( $ctx ) ? $ctx : $ctx['limit'];
	}

	private static function refusal( array $ctx, string $estimate, string $shortfall ): WP_Error {
		$message = '' !== (string) $ctx['message'] ? $ctx['message'] : __( Config::DEFAULT_MESSAGE, 'aipkit-usage' ); // phpcs:ignore WordPress.WP.I18n
		return new WP_Error(
			'aipkit_quota_exceeded',
			$message,
			[
				'status'    => 429,
				'scope'     => $ctx['scope'],
				'estimate'  => $estimate,
				'shortfall' => $shortfall,
				'actions'   => [
					'buy_credits' => [
						'label' => __( 'Buy credits', 'aipkit-usage' ),
						'url'   => Config::buy_credits_url(),
					],
					'view_usage'  => [
						'label' => __( 'View usage', 'aipkit-usage' ),
						'url'   => Config::dashboard_url(),
					],
				],
			]
		);
	}

	private static function rules_for( array $v ): array {
		return PricingRules::candidates( (string) $v['usage_type'], (string) $v['provider'], (string) $v['model'] );
	}

	private static function usage( array $v, array $counts ): array {
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

	/** @return array|WP_Error */
	private static function counts( array $in, string $prefix ) {
		$out = [];
		foreach ( self::COUNTS as $k ) {
			$v = $in[ $k ] ?? 0;
			if ( is_string( $v ) && preg_match( '/^\d{1,13}$/', $v ) ) {
				$v = (int) $v;
			}
			if ( ! is_int( $v ) || $v < 0 || $v > 1000000000000 ) {
				return new WP_Error(
					'aipkit_invalid_count',
					sprintf( __( '%s must be a whole number from 0 to 10^12.', 'aipkit-usage' ), "$prefix.$k" ),
					[
						'status' => 400,
						'field'  => "$prefix.$k",
					]
				);
			}
			$out[ $k ] = $v;
		}
		return $out;
	}

	/** @return array|WP_Error */
	private static function validate_request( array $r ) {
		$module = $r['module'] ?? '';
		if ( ! is_string( $module ) || ! preg_match( '/^[a-z0-9_-]{1,32}$/', $module ) ) {
			return new WP_Error(
				'aipkit_invalid_module',
				__( 'module must be 1–32 characters of a-z, 0-9, _ or -.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'module',
				]
			);
		}
		$bot = (string) ( $r['bot_id'] ?? '' );
		if ( ! preg_match( '/^[A-Za-z0-9_.-]{0,64}$/', $bot ) ) {
			return new WP_Error(
				'aipkit_invalid_bot',
				__( 'bot_id must be at most 64 characters of letters, digits, _ . or -.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'bot_id',
				]
			);
		}
		foreach ( [ 'usage_type', 'provider', 'model' ] as $f ) {
			if ( ! isset( $r[ $f ] ) || ! is_string( $r[ $f ] ) || '' === trim( $r[ $f ] ) || strlen( $r[ $f ] ) > 191 ) {
				return new WP_Error(
					'aipkit_malformed_input',
					sprintf( __( '%s is required.', 'aipkit-usage' ), $f ),
					[
						'status' => 400,
						'field'  => $f,
					]
				);
			}
		}
		$uid = $r['user_id'] ?? null;
		if ( ! is_int( $uid ) || $uid < 0 ) {
			return new WP_Error(
				'aipkit_malformed_input',
				__( 'user_id must be a user id, or 0 for a guest.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'user_id',
				]
			);
		}
		if ( $uid > 0 && ! get_userdata( $uid ) ) {
			return new WP_Error(
				'aipkit_unknown_user',
				sprintf( __( 'User #%d does not exist.', 'aipkit-usage' ), $uid ),
				[
					'status' => 404,
					'field'  => 'user_id',
				]
			);
		}
		$rid = $r['request_id'] ?? '';
		if ( ! is_string( $rid ) || ! preg_match( '/^[A-Za-z0-9_.-]{1,64}$/', $rid ) ) {
			return new WP_Error(
				'aipkit_invalid_key_part',
				__( 'request_id must be 1–64 characters of letters, digits, _ . or -.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'request_id',
				]
			);
		}
		$est = self::counts( is_array( $r['estimate'] ?? null ) ? $r['estimate'] : [], 'estimate' );
		if ( is_wp_error( $est ) ) {
			return $est;
		}
		return [
			'module'     => $module,
			'bot_id'     => $bot,
			'usage_type' => $r['usage_type'],
			'provider'   => strtolower( trim( $r['provider'] ) ),
			'model'      => trim( $r['model'] ),
			'user_id'    => $uid,
			'request_id' => $rid,
			'estimate'   => $est,
		];
	}

	private static function write_log( array $h, array $counts, array $result, array $log, bool $failed ) {
		if ( ! class_exists( '\\AipkitUsage\\Logs\\LogWriter' ) ) {
			return null;
		}
		$guest = '';
		if ( 0 === (int) $h['user_id'] ) {
			$subjects = json_decode( (string) $h['subjects'], true ) ?: [];
			$guest    = substr( (string) preg_replace( '/^guest:c/', '', (string) ( $subjects[0] ?? '' ) ), 0, 16 );
		}
		$metadata               = is_array( $log['metadata'] ?? null ) ? $log['metadata'] : [];
		$metadata['request_id'] = $h['request_id'];
		$id                     = \AipkitUsage\Logs\LogWriter::record(
			[
				'module'          => $h['module'],
				'bot_id'          => $h['bot_id'],
				'user_id'         => (int) $h['user_id'],
				'guest_key'       => $guest,
				'conversation_id' => (string) ( $log['conversation_id'] ?? '' ),
				'provider'        => $h['provider'],
				'model'           => $h['model'],
				'usage_type'      => $h['usage_type'],
				'input_tokens'    => $counts['input_tokens'],
				'output_tokens'   => $counts['output_tokens'],
				'credits'         => $result['credits'],
				'ledger_id'       => $result['ledger_id'],
				'user_message'    => (string) ( $log['user_message'] ?? '' ),
				'reply'           => (string) ( $log['reply'] ?? '' ),
				'metadata'        => $metadata,
				'vector_context'  => is_array( $log['vector_context'] ?? null ) ? $log['vector_context'] : [],
				'status'          => $failed ? 'failed' : (string) ( $log['status'] ?? 'ok' ),
			]
		);
		return is_wp_error( $id ) ? $id->get_error_message() : $id;
	}
}
