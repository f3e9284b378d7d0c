<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * User credit balances. Every change locks the balance row (SELECT … FOR UPDATE) or uses a
 * conditional UPDATE, and writes its ledger row in the same transaction.
 */
final class Balances {
	/** @return array{balance:string,held:string,available:string,uncovered:string} */
	public static function get( int $user_id ): array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT balance, held, balance - held AS available, uncovered FROM ' . Tables::balances() . ' WHERE user_id = %d', $user_id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
		if ( ! $row ) {
			return [
				'balance'   => '0.000000',
				'held'      => '0.000000',
				'available' => '0.000000',
				'uncovered' => '0.000000',
			];
		}
		return self::shape( $row );
	}

	/**
	 * Creates the row if needed and locks it until the transaction ends.
	 * INSERT … ON DUPLICATE KEY UPDATE takes an exclusive lock directly (INSERT IGNORE would take a
	 * shared one, and two shared holders upgrading to FOR UPDATE deadlock each other).
	 *
	 * @return array{balance:string,held:string,available:string,uncovered:string}
	 */
	public static function lock( int $user_id ): array {
		global $wpdb;
		$t  = Tables::balances();
		$at = Clock::sql( Clock::current()->now() );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables
		Transaction::query( $wpdb->prepare( "INSERT INTO $t (user_id, balance, held, updated_at) VALUES (%d, 0, 0, %s) ON DUPLICATE KEY UPDATE user_id = user_id", $user_id, $at ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables
		$row = Transaction::row( $wpdb->prepare( "SELECT balance, held, balance - held AS available, uncovered FROM $t WHERE user_id = %d FOR UPDATE", $user_id ) );
		if ( ! $row ) {
			// The row was created or found by the statement before, inside this transaction.
			throw new DbException( 'The balance row vanished while locked.' );
		}
		return self::shape( $row );
	}

	/**
	 * Locks the row when it exists (one statement, the common case: authorize and settle of a user
	 * who has been metered before); otherwise creates and locks it as lock() does. A first request
	 * racing another for a missing row may deadlock on the gap lock; Transaction::run retries it.
	 *
	 * @return array{balance:string,held:string,available:string,uncovered:string}
	 */
	public static function lock_existing( int $user_id ): array {
		global $wpdb;
		// A failed statement throws: "no row" here really means the user has no balance row yet.
		$row = Transaction::row( $wpdb->prepare( 'SELECT balance, held, balance - held AS available, uncovered FROM ' . Tables::balances() . ' WHERE user_id = %d FOR UPDATE', $user_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
		if ( ! $row ) {
			return self::lock( $user_id );
		}
		return self::shape( $row );
	}

	/**
	 * A balance row as every caller sees it.
	 *
	 * @param string $prefix of the columns in $row (a balance read joined to another table's row)
	 * @return array{balance:string,held:string,available:string,uncovered:string}
	 */
	public static function shape( array $row, string $prefix = '' ): array {
		return [
			'balance'   => Decimal::db( $row[ $prefix . 'balance' ] ?? '0' ),
			'held'      => Decimal::db( $row[ $prefix . 'held' ] ?? '0' ),
			'available' => Decimal::db( $row[ $prefix . 'available' ] ?? '0' ),
			'uncovered' => Decimal::db( $row[ $prefix . 'uncovered' ] ?? '0' ),
		];
	}

	/**
	 * Admin edit: the admin sends the balance they saw and the one they want. The core compares them
	 * against the locked row and computes the difference, which becomes an admin_adjustment entry.
	 *
	 * @return array|WP_Error {balance, delta, ledger_id}
	 */
	public static function adjust( int $user_id, $expected, $new_balance, string $reason = '', int $actor = 0 ) {
		if ( $user_id <= 0 || ! get_userdata( $user_id ) ) {
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
		$expected = Decimal::parse( 'expected_balance', $expected );
		if ( is_wp_error( $expected ) ) {
			return $expected;
		}
		$new_balance = Decimal::parse( 'new_balance', $new_balance );
		if ( is_wp_error( $new_balance ) ) {
			return $new_balance;
		}
		$reason = sanitize_textarea_field( $reason );
		$actor  = $actor ? $actor : get_current_user_id();
		// One key per call, made before the transaction: if a COMMIT succeeds but its answer is lost
		// with the connection, the retry finds this entry and answers it instead of "stale balance".
		$key = Ledger::key( 'admin_adjustment', [ $user_id, wp_generate_uuid4() ] );
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		$result = Transaction::run(
			static function () use ( $user_id, $expected, $new_balance, $reason, $actor, $key ) {
				global $wpdb;
				$row = self::lock( $user_id );
				$adj = Gateway::instance()->adjust_balance(
					[
						'current'  => $row['balance'],
						'expected' => $expected,
						'new'      => $new_balance,
					]
				);
				if ( is_wp_error( $adj ) ) {
					if ( 'aipkit_stale_balance' === $adj->get_error_code() ) {
						$done = Transaction::row( $wpdb->prepare( 'SELECT id, amount, balance_after FROM ' . Tables::ledger() . ' WHERE idempotency_key = %s', $key ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
						if ( $done ) {
							return [
								'balance'   => Decimal::db( $done['balance_after'] ),
								'delta'     => Decimal::db( $done['amount'] ),
								'ledger_id' => (int) $done['id'],
							];
						}
						return new WP_Error(
							'aipkit_stale_balance',
							sprintf(
								/* translators: 1: balance the admin saw, 2: current balance */
								__( 'The balance changed while you were editing it (you saw %1$s, it is now %2$s). Nothing was saved: review the new balance and try again.', 'aipkit-usage' ),
								$expected,
								$row['balance']
							),
							[
								'status'          => 409,
								'field'           => 'expected_balance',
								'current_balance' => $row['balance'],
							]
						);
					}
					return ErrorMessages::translate( $adj );
				}
				if ( Decimal::is_zero( $adj['delta'] ) ) {
					return [
						'balance'   => $row['balance'],
						'delta'     => '0.000000',
						'ledger_id' => null,
					];
				}
				$t = Tables::balances();
				// Never below what in-flight requests hold: those credits are already promised.
				$n = Transaction::query( $wpdb->prepare( "UPDATE $t SET balance = %s, updated_at = UTC_TIMESTAMP() WHERE user_id = %d AND held <= %s", $adj['new'], $user_id, $adj['new'] ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
				if ( 1 !== $n ) {
					return new WP_Error(
						'aipkit_balance_below_held',
						/* translators: %s: credits currently held */
						sprintf( __( 'The balance cannot be set below the %s credits currently held by requests in progress.', 'aipkit-usage' ), $row['held'] ),
						[
							'status' => 409,
							'field'  => 'new_balance',
						]
					);
				}
				$id = Ledger::append(
					[
						'kind'            => 'admin_adjustment',
						'user_id'         => $user_id,
						'subject'         => 'user:' . $user_id,
						'amount'          => $adj['delta'],
						'balance_after'   => $adj['new'],
						'actor_id'        => $actor,
						'note'            => $reason,
						'idempotency_key' => $key,
					]
				);
				if ( is_wp_error( $id ) ) {
					return $id;
				}
				return [
					'balance'   => $adj['new'],
					'delta'     => $adj['delta'],
					'ledger_id' => $id,
				];
			}
		);
		if ( ! is_wp_error( $result ) && null !== $result['ledger_id'] ) {
			do_action( 'aipkit_usage_balance_changed', $user_id, $result['balance'], $result['delta'], 'admin_adjustment', $result['ledger_id'] );
		}
		return $result;
	}

	/**
	 * Adds (or, with a negative amount, removes) credits for an external event such as a purchase or
	 * its reversal. The idempotency key makes a repeated event report the first entry, not pay twice.
	 *
	 * A reversal never takes the balance below the credits held by requests in flight. By default a
	 * reversal the balance cannot cover is refused (409 aipkit_insufficient_balance). With
	 * $options['partial'] it takes what the balance allows and records the rest as `uncovered` on the
	 * entry (returned as `uncollected`: never silently forgiven); with $options['allow_negative'] it
	 * takes the whole amount even when the balance goes negative. Both in the same transaction as the
	 * ledger row.
	 *
	 * @param array $fields  extra ledger columns (order_id, order_item_id, note, actor_id)
	 * @param array $options {partial?: bool, allow_negative?: bool} for negative amounts
	 * @return array|WP_Error {balance, ledger_id, amount, uncollected, duplicate}
	 */
	public static function credit( int $user_id, $amount, string $kind, string $idempotency_key, array $fields = [], array $options = [] ) {
		$amount = Decimal::parse( 'amount', $amount, true );
		if ( is_wp_error( $amount ) ) {
			return $amount;
		}
		if ( Decimal::is_zero( $amount ) ) {
			return new WP_Error(
				'aipkit_invalid_amount',
				__( 'The amount of credits to add or take back cannot be 0.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'amount',
				]
			);
		}
		if ( $user_id <= 0 ) {
			return new WP_Error(
				'aipkit_unknown_user',
				__( 'Credits need a WordPress user account.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'user_id',
				]
			);
		}
		$result = Transaction::run(
			static fn () => self::credit_locked( $user_id, $amount, $kind, $idempotency_key, $fields, $options )
		);
		return self::credited( $user_id, $kind, $result );
	}

	/**
	 * The unit of credit() for a caller that must decide the amount inside its own Transaction::run unit,
	 * after taking its own locks (a purchase reversal locks the item's grant entry and reads what earlier
	 * reversals took before it knows what is left). Call it inside that unit with an amount Decimal::parse
	 * accepted (not 0), and pass the unit's result to credited() once the unit is over.
	 *
	 * @return array|WP_Error {balance, ledger_id, amount, uncollected}
	 */
	public static function credit_locked( int $user_id, string $amount, string $kind, string $idempotency_key, array $fields = [], array $options = [] ) {
		$partial        = ! empty( $options['partial'] );
		$allow_negative = ! empty( $options['allow_negative'] );
		global $wpdb;
		$t           = Tables::balances();
		$row         = self::lock_existing( $user_id );
		$take        = $amount;
		$uncollected = '0.000000';
		if ( str_starts_with( $amount, '-' ) && ! $allow_negative && $partial ) {
			// The core splits the reversal into what the balance above held credits covers and
			// the uncovered rest, as it does for a usage charge beyond its hold.
			$available = str_starts_with( $row['available'], '-' ) ? '0' : $row['available'];
			$split     = Gateway::instance()->settle(
				[
					'hold_balance'      => '0',
					'hold_quota'        => '0',
					'actual'            => Decimal::negate( $amount ),
					'balance_available' => $available,
					'quota_remaining'   => '0',
					'order'             => 'balance_first',
				]
			);
			if ( is_wp_error( $split ) ) {
				return $split;
			}
			$take        = Decimal::negate( Decimal::db( $split['balance_debit'] ) );
			$uncollected = Decimal::db( $split['uncovered'] );
		}
		// Never below held credits unless negative balances are allowed: those are already promised.
		// What cannot be taken back joins the user's uncovered total (never silently forgiven): above
		// the uncovered limit the user is refused until it is covered or the owner clears it.
		$at  = Clock::sql( Clock::current()->now() );
		$sql = $allow_negative
			? $wpdb->prepare( "UPDATE $t SET balance = balance + %s, uncovered = uncovered + %s, updated_at = %s WHERE user_id = %d", $take, $uncollected, $at, $user_id ) // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
			: $wpdb->prepare( "UPDATE $t SET balance = balance + %s, uncovered = uncovered + %s, updated_at = %s WHERE user_id = %d AND balance + %s >= held", $take, $uncollected, $at, $user_id, $take ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
		$n   = Transaction::query( $sql );
		if ( 1 !== $n && ! Decimal::is_zero( $take ) ) {
			return new WP_Error(
				'aipkit_insufficient_balance',
				__( 'The balance is too low for this reversal.', 'aipkit-usage' ),
				[
					'status' => 409,
					'field'  => 'amount',
				]
			);
		}
		$after = Decimal::db( Transaction::value( $wpdb->prepare( "SELECT balance FROM $t WHERE user_id = %d", $user_id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables.
		// No look-up of the key first: the UNIQUE key refuses a repeat, and the unit then rolls back whole.
		$id = Ledger::append(
			array_merge(
				$fields,
				[
					'kind'            => $kind,
					'user_id'         => $user_id,
					'subject'         => 'user:' . $user_id,
					'amount'          => $take,
					'uncovered'       => $uncollected,
					'balance_after'   => $after,
					'idempotency_key' => $idempotency_key,
				]
			),
			false
		);
		if ( is_wp_error( $id ) ) {
			return $id;
		}
		return [
			'balance'     => $after,
			'ledger_id'   => $id,
			'amount'      => $take,
			'uncollected' => $uncollected,
		];
	}

	/**
	 * What credit() answers for its unit's result: a repeated key reports the first entry (duplicate),
	 * a new entry announces the balance change (after the commit, never for a rolled-back unit).
	 *
	 * @param array|WP_Error $result credit_locked()'s answer, as its unit returned it
	 * @return array|WP_Error {balance, ledger_id, amount, uncollected, duplicate}
	 */
	public static function credited( int $user_id, string $kind, $result ) {
		if ( is_wp_error( $result ) && 'aipkit_duplicate_entry' === $result->get_error_code() ) {
			$data = $result->get_error_data();
			return [
				'balance'   => self::get( $user_id )['balance'],
				'ledger_id' => (int) $data['existing_id'],
				'duplicate' => true,
			];
		}
		if ( ! is_wp_error( $result ) ) {
			$result['duplicate'] = false;
			do_action( 'aipkit_usage_balance_changed', $user_id, $result['balance'], $result['amount'], $kind, $result['ledger_id'] );
		}
		return $result;
	}
}
