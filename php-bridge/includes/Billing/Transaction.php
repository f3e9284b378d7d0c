<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * Runs money changes atomically.
 *
 * A nested START TRANSACTION would silently commit the caller's transaction (MariaDB has no nested
 * transactions), so inside an open one we use a savepoint instead. At top level a deadlock or lock
 * wait timeout rolls the whole unit back and runs it again: InnoDB picks a victim on purpose and the
 * database, not PHP, has decided nothing yet.
 */
final class Transaction {
	private const MAX_ATTEMPTS = 8;
	private static int $depth  = 0;

	/**
	 * @template T
	 * @param callable():T $work returns a value or a WP_Error; a WP_Error rolls back.
	 * @return mixed the work's result (WP_Error when it failed)
	 */
	public static function run( callable $work ) {
		global $wpdb;
		$nested = (int) $wpdb->get_var( 'SELECT @@in_transaction' ) === 1;
		if ( $nested ) {
			return self::run_savepoint( $work );
		}
		for ( $attempt = 1; ; $attempt++ ) {
			$wpdb->query( 'START TRANSACTION' );
			++self::$depth;
			try {
				$result = $work();
			} catch ( RetryException $e ) {
				$result = $e;
			} catch ( DbException $e ) {
				$result = new WP_Error(
					'aipkit_db_error',
					__( 'A billing statement failed.', 'aipkit-usage' ),
					[
						'status' => 500,
						'detail' => $e->getMessage(),
					]
				);
			} catch ( \Throwable $e ) {
				--self::$depth;
				$wpdb->query( 'ROLLBACK' );
				throw $e;
			}
			--self::$depth;
			if ( $result instanceof RetryException ) {
				$wpdb->query( 'ROLLBACK' );
				if ( $attempt >= self::MAX_ATTEMPTS ) {
					return new WP_Error( 'aipkit_busy', __( 'The billing database is busy; please retry.', 'aipkit-usage' ), [ 'status' => 503 ] );
				}
				usleep( random_int( 1000, 5000 ) * $attempt );
				continue;
			}
			if ( is_wp_error( $result ) ) {
				$wpdb->query( 'ROLLBACK' );
				return $result;
			}
			if ( false === $wpdb->query( 'COMMIT' ) ) {
				return new WP_Error( 'aipkit_db_error', __( 'The billing change could not be committed.', 'aipkit-usage' ), [ 'status' => 500 ] );
			}
			return $result;
		}
	}

	private static function run_savepoint( callable $work ) {
		global $wpdb;
		$name = 'aipkit_sp_' . ( ++self::$depth );
		$wpdb->query( "SAVEPOINT $name" );
		try {
			$result = $work();
		} catch ( \Throwable $e ) {
			$wpdb->query( "ROLLBACK TO SAVEPOINT $name" );
			--self::$depth;
			if ( $e instanceof RetryException ) {
				return new WP_Error( 'aipkit_busy', __( 'The billing database is busy; please retry.', 'aipkit-usage' ), [ 'status' => 503 ] );
			}
			throw $e;
		}
		if ( is_wp_error( $result ) ) {
			$wpdb->query( "ROLLBACK TO SAVEPOINT $name" );
		} else {
			$wpdb->query( "RELEASE SAVEPOINT $name" );
		}
		--self::$depth;
		return $result;
	}

	/**
	 * Runs one statement inside a unit of work; a deadlock aborts the unit for a retry, any other
	 * failure becomes a WP_Error the caller must return.
	 *
	 * @return int|bool|WP_Error rows affected (query) or true
	 */
	public static function exec( string $sql ) {
		global $wpdb;
		$r = $wpdb->query( $sql );
		if ( false === $r ) {
			self::check_error();
			return new WP_Error(
				'aipkit_db_error',
				__( 'A billing statement failed.', 'aipkit-usage' ),
				[
					'status' => 500,
					'detail' => $wpdb->last_error,
				]
			);
		}
		return $r;
	}

	/**
	 * Checked statements for use inside run(): a failed statement never reads as "no row" or
	 * "0 rows". A retryable failure throws RetryException (run() starts the unit again), any other
	 * failure throws DbException (run() rolls back and answers a WP_Error).
	 *
	 * @return int rows affected
	 */
	public static function query( string $sql ): int {
		global $wpdb;
		$r = $wpdb->query( $sql );
		self::throw_on_error( false === $r );
		return (int) $r;
	}

	/** @return array<string,mixed>|null one row (ARRAY_A); null only when the query succeeded and found none */
	public static function row( string $sql ): ?array {
		global $wpdb;
		$r = $wpdb->get_row( $sql, ARRAY_A );
		self::throw_on_error( false );
		return $r ?: null;
	}

	/** @return array<int,array<string,mixed>> */
	public static function rows( string $sql ): array {
		global $wpdb;
		$r = $wpdb->get_results( $sql, ARRAY_A );
		self::throw_on_error( ! is_array( $r ) );
		return $r;
	}

	/** @return string|null the first column of the first row; null when the query found no row */
	public static function value( string $sql ): ?string {
		global $wpdb;
		$r = $wpdb->get_var( $sql );
		self::throw_on_error( false );
		return null === $r ? null : (string) $r;
	}

	/** The AUTO_INCREMENT id of the last INSERT run through query(). */
	public static function insert_id(): int {
		global $wpdb;
		return (int) $wpdb->insert_id;
	}

	private static function throw_on_error( bool $failed ): void {
		global $wpdb;
		if ( ! $failed && '' === (string) $wpdb->last_error ) {
			return;
		}
		self::check_error();
		throw new DbException( '' !== (string) $wpdb->last_error ? (string) $wpdb->last_error : 'statement failed' );
	}

	/** Throws RetryException when the last statement lost a deadlock or timed out on a lock. */
	public static function check_error(): void {
		global $wpdb;
		$e = (string) $wpdb->last_error;
		if ( '' !== $e && ( str_contains( $e, 'Deadlock found' ) || str_contains( $e, 'Lock wait timeout' ) ) ) {
			throw new RetryException( $e );
		}
	}
}
