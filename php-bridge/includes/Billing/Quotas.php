<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * Quota counters: one row per (subject, scope, period key). Period keys come from the core, so a new
 * period starts at the right local instant without any cron; old rows simply stop being used.
 */
final class Quotas {
	/**
	 * Which rule, scope, limit and period apply to this subject right now.
	 *
	 * @return array{rule:?array,scope:string,limit:?string,period:string,period_key:string}|WP_Error
	 */
	public static function context( string $module, string $bot_id, int $user_id, ?int $now = null ) {
		$rule = QuotaRules::resolve( $module, $bot_id );
		if ( ! $rule ) {
			// No rule: the owner's setting decides between unlimited and "the balance only" (a limit
			// of 0); usage is still counted (all-time) so Balances can show it.
			return [
				'rule'       => null,
				'scope'      => $module,
				'limit'      => 'balance_only' === \AipkitUsage\Settings::no_quota_rule() ? '0.000000' : null,
				'period'     => 'never',
				'period_key' => 'all',
				'period_end' => null,
				'message'    => '',
			];
		}
		$roles = [];
		if ( $user_id > 0 ) {
			$u     = get_userdata( $user_id );
			$roles = $u ? array_values( (array) $u->roles ) : [];
		}
		$limit = Gateway::instance()->effective_limit(
			[
				'subject'     => $user_id > 0 ? 'user' : 'guest',
				'roles'       => $roles,
				'guest_limit' => $rule['guest_limit'],
				'user_limit'  => $rule['user_limit'],
				'role_limits' => (object) $rule['role_limits'],
			]
		);
		if ( is_wp_error( $limit ) ) {
			return $limit;
		}
		$now    = $now ?? Clock::current()->now();
		$period = Gateway::instance()->period(
			[
				'period' => $rule['period'],
				'now'    => $now,
			]
		);
		if ( is_wp_error( $period ) ) {
			return $period;
		}
		return [
			'rule'       => $rule,
			'scope'      => $rule['scope'],
			'limit'      => $limit['limit'],
			'period'     => $rule['period'],
			'period_key' => $period['key'],
			'period_end' => $period['next_starts_at'],
			'message'    => $rule['message'],
		];
	}

	/**
	 * Locks and reads every counter of these subjects in these scopes that could be the current one
	 * (its period has not ended: period_end in the future, or NULL = never ends), for the core to pick
	 * from. One statement whatever the period key; its next-key locks on (subject, scope, period_end)
	 * also make a concurrent creation of a new period's row wait for this transaction.
	 *
	 * @return array<int,array{id:int,subject:string,scope:string,period_key:string,used:string,held:string}>
	 */
	public static function lock_candidates( array $subjects, array $scopes, int $now ): array {
		return self::candidates( Transaction::rows( self::candidates_sql( $subjects, $scopes, $now, '' ) ) );
	}

	/**
	 * A user's balance row and lock_candidates()'s counters, locked by one statement in the order of
	 * every other path: the balance first (the first part of the UNION runs first), then the counters
	 * by ascending id. A user without a balance row yet gets one created and locked after the counters
	 * (Balances::lock); a concurrent first request of the same user may then deadlock on the gap, and
	 * Transaction::run retries it, as it does for lock_existing().
	 *
	 * @return array{0:array{balance:string,held:string,available:string,uncovered:string},1:array} [balance, counters]
	 */
	public static function lock_balance_and_candidates( int $user_id, array $subjects, array $scopes, int $now ): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
		$balance = $wpdb->prepare( "(SELECT 0 AS id, 'balance' AS subject, '' AS scope, '' AS period_key, balance AS used, held, balance - held AS available, uncovered FROM " . Tables::balances() . ' WHERE user_id = %d FOR UPDATE) UNION ALL ', $user_id );
		$rows    = Transaction::rows( self::candidates_sql( $subjects, $scopes, $now, $balance ) );
		$found   = null;
		foreach ( $rows as $i => $r ) {
			if ( 0 === (int) $r['id'] ) {
				// The UNION's columns are named by the counters' list: the balance arrives as `used`.
				$found = Balances::shape( [ 'balance' => $r['used'] ] + $r );
				unset( $rows[ $i ] );
			}
		}
		return [ $found ?? Balances::lock( $user_id ), self::candidates( array_values( $rows ) ) ];
	}

	/** The candidate counters' locking SELECT, after $before (a UNION ALL part, or ''). */
	private static function candidates_sql( array $subjects, array $scopes, int $now, string $before ): string {
		global $wpdb;
		$in_subjects = implode( ',', array_fill( 0, count( $subjects ), '%s' ) );
		$in_scopes   = implode( ',', array_fill( 0, count( $scopes ), '%s' ) );
		$extra       = '' === $before ? '' : ', NULL, NULL';
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- table name from Tables, one placeholder per value
		$sql = $wpdb->prepare( "(SELECT id, subject, scope, period_key, used, held$extra FROM " . Tables::counters() . " WHERE subject IN ($in_subjects) AND scope IN ($in_scopes) AND (period_end IS NULL OR period_end > %d) ORDER BY id FOR UPDATE)", array_merge( array_values( $subjects ), array_values( $scopes ), [ $now ] ) );
		return $before . $sql;
	}

	/** @return array<int,array{id:int,subject:string,scope:string,period_key:string,used:string,held:string}> */
	private static function candidates( array $rows ): array {
		return array_map(
			static fn( $r ) => [
				'id'         => (int) $r['id'],
				'subject'    => (string) $r['subject'],
				'scope'      => (string) $r['scope'],
				'period_key' => (string) $r['period_key'],
				'used'       => Decimal::db( $r['used'] ),
				'held'       => Decimal::db( $r['held'] ),
			],
			$rows
		);
	}

	/**
	 * Creates one subject's counter for a period (or finds it, when a concurrent request created it
	 * first: on a duplicate key InnoDB locks the existing row and LAST_INSERT_ID(id) names it).
	 *
	 * @param ?int $period_end when the period ends (Unix seconds), null = never
	 * @return int counter id
	 */
	public static function create( string $subject, string $scope, string $period_key, ?int $period_end, string $at ): int {
		global $wpdb;
		$t   = Tables::counters();
		$end = null === $period_end ? 'NULL' : (string) (int) $period_end;
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables, $end an integer or NULL
		Transaction::query( $wpdb->prepare( "INSERT INTO $t (subject, scope, period_key, period_end, used, held, updated_at) VALUES (%s, %s, %s, $end, 0, 0, %s) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)", $subject, $scope, $period_key, $at ) );
		return Transaction::insert_id();
	}

	/**
	 * Creates (if needed) and locks the counters of these subjects, in a fixed order so two requests
	 * never wait on each other in a cycle.
	 *
	 * @param ?int $period_end when the period ends (Unix seconds), null = never (locked as a candidate forever)
	 * @return int[] counter ids
	 */
	public static function lock( array $subjects, string $scope, string $period_key, ?int $now = null, ?int $period_end = null ): array {
		$at = Clock::sql( $now ?? Clock::current()->now() );
		sort( $subjects );
		$ids = [];
		foreach ( $subjects as $s ) {
			$ids[] = self::create( $s, $scope, $period_key, $period_end, $at );
		}
		return $ids;
	}

	/** Locks counters by id (settle/release path), ascending. */
	public static function lock_ids( array $ids ): void {
		global $wpdb;
		if ( ! $ids ) {
			return;
		}
		sort( $ids );
		$in = implode( ',', array_map( 'intval', $ids ) );
		Transaction::rows( 'SELECT id FROM ' . Tables::counters() . " WHERE id IN ($in) ORDER BY id FOR UPDATE" ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables, integer ids
	}

	/**
	 * Room left for the tightest of these counters (a guest is admitted only if both keys have room),
	 * computed by MariaDB in DECIMAL, and the counters locked (FOR UPDATE: a current read, ascending
	 * id on the primary key). null = unlimited: then nothing is read here, and the caller's UPDATE
	 * locks the counters, still after the balance row.
	 */
	public static function remaining( array $ids, ?string $limit ): ?string {
		if ( null === $limit ) {
			return null;
		}
		if ( ! $ids ) {
			return $limit;
		}
		global $wpdb;
		sort( $ids );
		$in = implode( ',', array_map( 'intval', $ids ) );
		$v  = Transaction::value( $wpdb->prepare( 'SELECT MIN(GREATEST(CAST(%s AS DECIMAL(20,6)) - used - held, 0)) FROM ' . Tables::counters() . " WHERE id IN ($in) FOR UPDATE", $limit ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables, integer ids
		return Decimal::db( $v );
	}

	/**
	 * Current-period usage of one subject across scopes, plus the latest reset.
	 *
	 * @return array<int,array{scope:string,period_key:string,used:string,held:string,reset_at:?string}>
	 */
	public static function usage( string $subject ): array {
		global $wpdb;
		$rows = (array) $wpdb->get_results( $wpdb->prepare( 'SELECT scope, period_key, used, held, reset_at, updated_at FROM ' . Tables::counters() . ' WHERE subject = %s ORDER BY scope, updated_at DESC', $subject ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
		$out  = [];
		foreach ( $rows as $r ) {
			$module = explode( ':', $r['scope'], 2 );
			$ctx    = self::context( $module[0], $module[1] ?? '', self::user_of( $subject ) );
			$key    = is_wp_error( $ctx ) ? $r['period_key'] : ( $ctx['scope'] === $r['scope'] ? $ctx['period_key'] : 'all' );
			if ( $r['period_key'] !== $key || isset( $out[ $r['scope'] ] ) ) {
				continue;
			}
			$out[ $r['scope'] ] = [
				'scope'        => $r['scope'],
				'scope_label'  => ScopeLabels::scope( $r['scope'] ),
				'period'       => is_wp_error( $ctx ) ? '' : $ctx['period'],
				'period_key'   => $r['period_key'],
				'period_label' => ScopeLabels::period( $r['period_key'] ),
				'used'         => Decimal::db( $r['used'] ),
				'held'         => Decimal::db( $r['held'] ),
				'limit'        => is_wp_error( $ctx ) ? null : $ctx['limit'],
				'reset_at'     => $r['reset_at'],
			];
		}
		return array_values( $out );
	}

	public static function latest_reset( string $subject ): ?string {
		global $wpdb;
		$v = $wpdb->get_var( $wpdb->prepare( 'SELECT MAX(reset_at) FROM ' . Tables::counters() . ' WHERE subject = %s', $subject ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
		return $v ? (string) $v : null;
	}

	/**
	 * Zeroes the current period's counter of one scope (or every scope with 'all') and records each
	 * reset in the ledger as a zero-amount usage_reset entry with the actor and scope.
	 *
	 * @return array|WP_Error {reset: [{scope, period_key, previous_used, ledger_id}]}
	 */
	public static function reset( string $subject, string $scope, int $actor = 0 ) {
		if ( ! preg_match( '/^(user:\d+|guest:[A-Za-z0-9_-]{1,72})$/', $subject ) ) {
			return new WP_Error(
				'aipkit_invalid_subject',
				__( 'subject must be user:<id> or guest:<key>.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'subject',
				]
			);
		}
		if ( 'all' !== $scope && ! preg_match( '/^[a-z0-9_-]{1,32}(:[A-Za-z0-9_.-]{1,64})?$/', $scope ) ) {
			return new WP_Error(
				'aipkit_invalid_scope',
				__( 'scope must be a module, module:bot_id, or all.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'scope',
				]
			);
		}
		$actor = $actor ? $actor : get_current_user_id();
		global $wpdb;
		$scopes  = 'all' === $scope
			? $wpdb->get_col( $wpdb->prepare( 'SELECT DISTINCT scope FROM ' . Tables::counters() . ' WHERE subject = %s', $subject ) ) // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- table name from Tables
			: [ $scope ];
		$user_id = self::user_of( $subject );
		$now     = Clock::current()->now();
		// One id per call, made before the transaction: if a COMMIT succeeds but its answer is lost with
		// the connection, the retry finds its own entries and does not reset usage counted since.
		$call   = wp_generate_uuid4();
		$result = Transaction::run(
			static function () use ( $scopes, $subject, $user_id, $actor, $wpdb, $now, $call ) {
				$done = [];
				$at   = Clock::sql( $now );
				foreach ( $scopes as $sc ) {
					$parts = explode( ':', $sc, 2 );
					$ctx   = self::context( $parts[0], $parts[1] ?? '', $user_id, $now );
					if ( is_wp_error( $ctx ) ) {
						return $ctx;
					}
					$key = $ctx['scope'] === $sc ? $ctx['period_key'] : 'all';
					$end = $ctx['scope'] === $sc ? $ctx['period_end'] : null;
					$k   = Ledger::key( 'usage_reset', [ self::key_part( $subject ), self::key_part( $sc ), $key, $call ] );
					if ( is_wp_error( $k ) ) {
						return $k;
					}
					$prior = Transaction::row( $wpdb->prepare( 'SELECT id, note FROM ' . Tables::ledger() . ' WHERE idempotency_key = %s', $k ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- plugin table name from Tables; values go through prepare().
					if ( $prior ) {
						$done[] = [
							'scope'         => $sc,
							'period_key'    => $key,
							'previous_used' => preg_match( '/\(was (-?[0-9.]+)\)\.$/', (string) $prior['note'], $m ) ? Decimal::db( $m[1] ) : '0.000000',
							'ledger_id'     => (int) $prior['id'],
						];
						continue;
					}
					$ids    = self::lock( [ $subject ], $sc, $key, $now, $end );
					$t      = Tables::counters();
					$before = Decimal::db( Transaction::value( $wpdb->prepare( "SELECT used FROM $t WHERE id = %d", $ids[0] ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables
					Transaction::query( $wpdb->prepare( "UPDATE $t SET used = 0, reset_at = %s, updated_at = %s WHERE id = %d", $at, $at, $ids[0] ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name from Tables
					$lid = Ledger::append(
						[
							'kind'            => 'usage_reset',
							'user_id'         => $user_id,
							'subject'         => $subject,
							'module'          => $parts[0],
							'bot_id'          => $parts[1] ?? '',
							'actor_id'        => $actor,
							'note'            => sprintf( 'Reset %s usage for period %s (was %s).', $sc, $key, $before ),
							'idempotency_key' => $k,
						],
						false // looked up above; the UNIQUE key still guards
					);
					if ( is_wp_error( $lid ) ) {
						return $lid;
					}
					$done[] = [
						'scope'         => $sc,
						'period_key'    => $key,
						'previous_used' => $before,
						'ledger_id'     => $lid,
					];
				}
				return [ 'reset' => $done ];
			}
		);
		if ( ! is_wp_error( $result ) ) {
			do_action( 'aipkit_usage_quota_reset', $subject, $scope, $result['reset'], $actor );
		}
		return $result;
	}

	public static function user_of( string $subject ): int {
		return str_starts_with( $subject, 'user:' ) ? (int) substr( $subject, 5 ) : 0;
	}

	/** Idempotency key parts allow [A-Za-z0-9_.-] only. */
	private static function key_part( string $s ): string {
		return substr( str_replace( ':', '.', $s ), 0, 64 );
	}
}
