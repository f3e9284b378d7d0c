<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * Runs money changes so that they commit whole or change nothing.
 *
 * Every statement of a unit runs through the checked methods below, straight on the mysqli
 * connection the unit started on. wpdb is bypassed on purpose: after error 2006 it silently
 * reconnects and re-runs the statement on a new connection in autocommit mode, i.e. outside the
 * transaction, where half a unit would then commit on its own. Here a lost connection, a
 * deadlock, a lock wait timeout or a Galera certification conflict (1213 on any statement,
 * COMMIT included) ends the attempt: the unit is rolled back and run again from its start, on a
 * fresh connection when the old one is gone. A unit whose connection was replaced behind its back
 * (some wpdb call inside it reconnected) is treated the same way, because its transaction is gone.
 *
 * A nested START TRANSACTION would silently commit the caller's transaction (MariaDB has no nested
 * transactions), so inside an open one a savepoint is used instead. Inside one of our own units a
 * retryable failure propagates to the outermost unit, which retries everything; inside a caller's
 * own transaction we cannot retry the caller's work, so it answers 503 aipkit_busy.
 */
final class Transaction {
	private const MAX_ATTEMPTS = 10;

	/** Errors after which the same unit, run again from its start, may succeed. */
	private const RETRY_ERRNOS = [
		1205, // Lock wait timeout exceeded.
		1213, // Deadlock, or a Galera certification conflict / brute-force abort (at any statement, COMMIT included).
		1047, // WSREP has not yet prepared node for application use (node leaving/joining the cluster).
		1180, // Got error during COMMIT (wsrep replication failure).
		4031, // Disconnected by the server because of inactivity.
	];

	/** Errors that mean the connection (and with it the open transaction) is gone. */
	private const LOST_ERRNOS = [
		2006, // Server has gone away.
		2013, // Lost connection during query.
		2055, // Lost connection at … system error.
		1927, // Connection was killed.
		1053, // Server shutdown in progress.
		1317, // Query execution was interrupted (KILL QUERY; the transaction's state is unknown).
	];

	private static int $depth = 0;

	/** @var \mysqli|null the connection of the outermost unit in progress */
	private static $conn = null;

	private static int $thread_id = 0;

	/** Thread id of the connection that has the Galera sentinel table (see galera_begin()). */
	private static int $sentinel_thread = 0;

	/** Statement counter within one attempt of one unit (for the aipkit_usage_tx_statement action). */
	private static int $index = 0;

	/**
	 * A database drop-in whose handle is not mysqli (an SQLite or PDO layer): statements then go through
	 * $wpdb->query with the failure read from its error text. That layer's own reconnect behaviour
	 * cannot be guarded against from here.
	 */
	private static bool $compat = false;

	/** Whether a unit (ours or a joined caller's transaction) is in progress on this request. */
	private static bool $in_unit = false;

	/**
	 * [thread id, whether it runs under Galera]: `@@wsrep_on` cannot change for a connection, so it is
	 * asked once per connection; a reconnect gets a new thread id and is asked again.
	 */
	private static array $wsrep_of = [ 0, false ];

	/**
	 * What is known of wpdb's connection at one moment: [the connection (weakly), its thread id, the
	 * packets it had sent, whether a transaction was open]. Known right after one of our units
	 * committed (none open) or from observe(); it stays true while the connection sends nothing (state()).
	 */
	private static array $known = [ null, 0, -1, false ];

	/** Whether the server has `@@in_transaction` (MariaDB; not MySQL): learnt from the first answer. */
	private static bool $has_in_transaction = false;

	/**
	 * @template T
	 * @param callable():T $work returns a value or a WP_Error; a WP_Error rolls back.
	 * @return mixed the work's result (WP_Error when it failed)
	 */
	public static function run( callable $work ) {
		if ( self::$depth > 0 ) {
			return self::run_savepoint( $work );
		}
		$state = self::state();
		if ( $state['t'] ) {
			return self::run_joined( $work );
		}
		$galera = $state['w'];
		$lost   = false;
		for ( $attempt = 1; ; $attempt++ ) {
			if ( $lost && ! self::reconnect() ) {
				return self::busy( true );
			}
			$lost      = false;
			$committed = false;
			self::begin_unit();
			++self::$depth;
			try {
				$alive = $galera ? self::galera_begin() : 0;
				self::statement( 'START TRANSACTION' );
				if ( $alive ) {
					self::statement( 'INSERT INTO aipkit_tx_alive (n) VALUES (' . $alive . ')' );
				}
				$result = $work();
				if ( is_wp_error( $result ) ) {
					self::rollback();
					return $result;
				}
				if ( $alive && '1' !== self::value( 'SELECT COUNT(*) FROM aipkit_tx_alive WHERE n = ' . $alive ) ) {
					throw new RetryException( 'The cluster aborted the transaction without reporting it.', 1213 );
				}
				self::statement( 'COMMIT' );
				// An abort during the check above would leave COMMIT nothing to commit and still succeed:
				// the committed sentinel is the proof that the work was committed with it.
				if ( $alive && '1' !== self::value( 'SELECT COUNT(*) FROM aipkit_tx_alive WHERE n = ' . $alive ) ) {
					throw new RetryException( 'The cluster aborted the transaction without reporting it.', 1213 );
				}
				$committed = true;
				return $result;
			} catch ( RetryException $e ) {
				$lost = $e->lost;
				self::rollback();
				if ( $attempt >= self::MAX_ATTEMPTS ) {
					return self::busy( $lost );
				}
				// Spread the retries of competing requests out so they do not collide again: random, and
				// doubling per attempt up to 100 ms (many nodes contending for one balance row under Galera).
				usleep( min( 100000, random_int( 1000, 5000 ) << min( $attempt - 1, 6 ) ) );
			} catch ( DbException $e ) {
				self::rollback();
				return self::db_error( $e );
			} catch ( \Throwable $e ) {
				self::rollback();
				throw $e;
			} finally {
				// Under Galera the sentinel check after COMMIT opened an implicit transaction (autocommit
				// is off): only SET autocommit = 1 ends it.
				$ended = $galera ? self::galera_end() : true;
				if ( $committed && $ended ) {
					self::mark_idle();
				}
				--self::$depth;
				self::end_unit();
			}
		}
	}

	/**
	 * Galera can abort a transaction (a brute-force abort by a write set from another node) while one
	 * of its statements runs and still answer that statement with success; the session then goes on in
	 * autocommit, so every later statement of the unit would commit on its own. Two defences: the unit
	 * runs with autocommit off (later statements stay uncommitted in a new implicit transaction), and a
	 * sentinel row in a per-connection temporary InnoDB table, written first, must still be visible
	 * before COMMIT: a rollback behind our back takes it away, and the unit is retried.
	 *
	 * @return int the sentinel number for this attempt
	 */
	private static function galera_begin(): int {
		static $n = 0;
		if ( self::$sentinel_thread !== self::$thread_id ) {
			self::statement( 'CREATE TEMPORARY TABLE IF NOT EXISTS aipkit_tx_alive (n BIGINT UNSIGNED NOT NULL PRIMARY KEY) ENGINE=InnoDB' );
			self::$sentinel_thread = self::$thread_id;
		}
		self::statement( 'SET autocommit = 0' );
		return ++$n;
	}

	/**
	 * Back to WordPress's autocommit once the attempt is committed or rolled back (best effort on a dead connection).
	 *
	 * @return bool whether the connection is back in autocommit
	 */
	private static function galera_end(): bool {
		if ( self::$conn ) {
			try {
				return true === @self::$conn->query( 'SET autocommit = 1' ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- the connection may be dead; a new one starts in autocommit.
			} catch ( \mysqli_sql_exception $e ) { // phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedCatch -- nothing to restore on a dead connection.
			}
		}
		return false;
	}

	/**
	 * Whether a transaction we did not begin is open on wpdb's connection (t: then a unit joins it with
	 * a savepoint, since START TRANSACTION would commit it) and whether the server runs Galera (w).
	 *
	 * Asked with one statement, except when it is already known: `@@wsrep_on` once per connection, and
	 * `@@in_transaction` not at all while the connection has sent no packet since one of our units
	 * committed (mysqlnd counts every packet a connection sends, whoever sends it: wpdb, a plugin on
	 * the same handle, mysqli::begin_transaction). Nothing but a statement can open a transaction, so
	 * the unchanged count proves there is none; any statement in between makes it ask again.
	 *
	 * @return array{t:bool,w:bool}
	 */
	private static function state(): array {
		global $wpdb;
		// Outside any unit wpdb may reconnect as it likes: nothing of ours is open yet.
		static $wsrep_var = true;
		$conn             = self::wpdb_conn();
		$thread           = self::thread_of( $conn );
		if ( $thread && self::$wsrep_of[0] === $thread ) {
			if ( self::$known[0] && $conn === self::$known[0]->get() && self::$known[1] === $thread && self::packets( $conn ) === self::$known[2] ) {
				return [
					't' => self::$known[3],
					'w' => self::$wsrep_of[1],
				];
			}
			$t = $wpdb->get_var( 'SELECT @@in_transaction' );
			if ( self::thread_of( self::wpdb_conn() ) === $thread ) {
				return [
					't' => 1 === (int) $t,
					'w' => self::$wsrep_of[1],
				];
			}
			// wpdb reconnected while asking: a new connection, whose wsrep flag is asked below.
		}
		$state = $wsrep_var ? $wpdb->get_row( 'SELECT @@in_transaction AS t, @@wsrep_on AS w', ARRAY_A ) : null;
		if ( ! $state ) {
			// A server without wsrep variables (MySQL, or MariaDB built without Galera): ask once per process.
			$wsrep_var = $wsrep_var && ! str_contains( (string) $wpdb->last_error, 'Unknown system variable' );
			$state     = [
				't' => $wpdb->get_var( 'SELECT @@in_transaction' ),
				'w' => 0,
			];
		}
		self::$has_in_transaction = null !== $state['t'];
		$galera                   = 1 === (int) $state['w'];
		// The thread the answer came from (wpdb may have reconnected to ask it).
		$thread = self::thread_of( self::wpdb_conn() );
		if ( $thread ) {
			self::$wsrep_of = [ $thread, $galera ];
		}
		return [
			't' => 1 === (int) $state['t'],
			'w' => $galera,
		];
	}

	/**
	 * For a caller about to run a unit: an expression to add to the select list of a statement it sends
	 * on wpdb's connection right before (so the unit need not ask); pass its value to observe(). Null
	 * while the server is not known to have it.
	 */
	public static function probe(): ?string {
		return self::$has_in_transaction ? '@@in_transaction' : null;
	}

	/**
	 * The value probe()'s expression answered in the statement wpdb just ran. Call it before anything
	 * else is sent on the connection: the next unit trusts it only while nothing else has been.
	 *
	 * @param mixed $in_transaction
	 */
	public static function observe( $in_transaction ): void {
		$conn = self::wpdb_conn();
		if ( self::$depth > 0 || ! $conn ) {
			return;
		}
		self::remember( $conn, 1 === (int) $in_transaction );
	}

	/** After our COMMIT (and, under Galera, autocommit restored): no transaction is open on the unit's connection. */
	private static function mark_idle(): void {
		if ( self::$conn ) {
			self::remember( self::$conn, false );
		}
	}

	private static function remember( \mysqli $conn, bool $open ): void {
		$sent   = self::packets( $conn );
		$thread = self::thread_of( $conn );
		// 0 or less: mysqlnd collects no statistics (mysqlnd.collect_statistics = 0), so "nothing sent
		// since" cannot be told: every unit then asks.
		self::$known = $sent > 0 && $thread ? [ \WeakReference::create( $conn ), $thread, $sent, $open ] : [ null, 0, -1, false ];
	}

	/** Packets this connection has sent (mysqlnd's per-connection statistics); -2 when unknown. */
	private static function packets( \mysqli $conn ): int {
		if ( ! function_exists( 'mysqli_get_connection_stats' ) ) {
			return -2;
		}
		try {
			$stats = mysqli_get_connection_stats( $conn ); // phpcs:ignore WordPress.DB.RestrictedFunctions.mysql_mysqli_get_connection_stats -- reads the client's packet count; sends nothing.
		} catch ( \Throwable $e ) {
			return -2; // A closed handle.
		}
		return is_array( $stats ) && isset( $stats['packets_sent'] ) ? (int) $stats['packets_sent'] : -2;
	}

	/** wpdb's mysqli handle, or null (not connected, or another driver). */
	private static function wpdb_conn(): ?\mysqli {
		global $wpdb;
		return $wpdb->dbh instanceof \mysqli ? $wpdb->dbh : null;
	}

	/** The connection's server thread id; 0 for none or a closed handle. */
	private static function thread_of( ?\mysqli $conn ): int {
		if ( ! $conn ) {
			return 0;
		}
		try {
			return (int) @$conn->thread_id; // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a closed handle warns.
		} catch ( \Throwable $e ) {
			return 0;
		}
	}

	/**
	 * A unit started inside a transaction we did not begin (a caller's, or the test harness's):
	 * a savepoint keeps our part undoable, but a retry would have to start the caller's work over,
	 * which only the caller can do.
	 */
	private static function run_joined( callable $work ) {
		self::begin_unit();
		try {
			return self::run_savepoint( $work );
		} catch ( RetryException $e ) {
			return self::busy( $e->lost );
		} catch ( DbException $e ) {
			return self::db_error( $e );
		} finally {
			self::end_unit();
		}
	}

	/** Runs $work between SAVEPOINT and RELEASE; failures inside roll back to the savepoint and propagate. */
	private static function run_savepoint( callable $work ) {
		$name = 'aipkit_sp_' . self::$depth;
		++self::$depth;
		try {
			self::statement( "SAVEPOINT $name" );
			try {
				$result = $work();
			} catch ( RetryException $e ) {
				// Deadlock and lost connection undo the whole transaction: there is no savepoint left.
				throw $e;
			} catch ( \Throwable $e ) {
				self::rollback_to( $name );
				throw $e;
			}
			if ( is_wp_error( $result ) ) {
				self::statement( "ROLLBACK TO SAVEPOINT $name" );
			}
			self::statement( "RELEASE SAVEPOINT $name" );
			return $result;
		} finally {
			--self::$depth;
		}
	}

	/**
	 * Legacy form of query() for code that still expects a WP_Error: a retryable failure still
	 * throws RetryException (the unit must start over), any other failure is returned.
	 *
	 * @return int|WP_Error rows affected
	 */
	public static function exec( string $sql ) {
		try {
			return self::query( $sql );
		} catch ( DbException $e ) {
			return self::db_error( $e );
		}
	}

	/**
	 * Checked statements for use inside run(): a failed statement never reads as "no row" or
	 * "0 rows". A retryable failure throws RetryException (run() starts the unit again), any other
	 * failure throws DbException (run() rolls back and answers a WP_Error).
	 *
	 * @return int rows affected
	 */
	public static function query( string $sql ): int {
		$r = self::statement( $sql );
		if ( self::$compat ) {
			return (int) $r;
		}
		if ( $r instanceof \mysqli_result ) {
			$n = (int) $r->num_rows;
			$r->free();
			return $n;
		}
		return (int) self::$conn->affected_rows;
	}

	/** @return array<string,mixed>|null one row (ARRAY_A); null only when the query succeeded and found none */
	public static function row( string $sql ): ?array {
		$rows = self::rows( $sql );
		return $rows[0] ?? null;
	}

	/** @return array<int,array<string,mixed>> */
	public static function rows( string $sql ): array {
		global $wpdb;
		$r = self::statement( $sql );
		if ( self::$compat ) {
			return array_map( static fn( $o ) => get_object_vars( $o ), (array) $wpdb->last_result );
		}
		if ( ! $r instanceof \mysqli_result ) {
			return [];
		}
		$rows = $r->fetch_all( MYSQLI_ASSOC );
		$r->free();
		return $rows;
	}

	/** @return string|null the first column of the first row; null when the query found no row (or the value is NULL) */
	public static function value( string $sql ): ?string {
		if ( self::$compat ) {
			$row = self::row( $sql );
			$row = null === $row ? null : array_values( $row );
			return ( ! $row || null === $row[0] ) ? null : (string) $row[0];
		}
		$r = self::statement( $sql );
		if ( ! $r instanceof \mysqli_result ) {
			return null;
		}
		$row = $r->fetch_row();
		$r->free();
		return ( ! $row || null === $row[0] ) ? null : (string) $row[0];
	}

	/**
	 * Inserts one row (values escaped by $wpdb->prepare with the given formats).
	 *
	 * @param array<string,mixed> $row
	 * @param string[]            $formats one of %s, %d per column
	 * @return int the new AUTO_INCREMENT id (0 when the table has none)
	 */
	public static function insert( string $table, array $row, array $formats ): int {
		global $wpdb;
		$cols   = implode( ', ', array_map( static fn( $c ) => '`' . $c . '`', array_keys( $row ) ) );
		$values = [];
		$i      = 0;
		foreach ( $row as $col => $v ) {
			// wpdb::insert refuses a value longer than its column; WordPress turns strict SQL mode off,
			// so without this check MariaDB would cut it silently.
			if ( is_string( $v ) ) {
				$max = $wpdb->get_col_length( $table, $col );
				if ( is_array( $max ) && ( 'byte' === $max['type'] ? strlen( $v ) : mb_strlen( $v, 'UTF-8' ) ) > $max['length'] ) {
					throw new DbException( sprintf( 'Data too long for column %s (at most %d %ss).', $col, $max['length'], $max['type'] ), 1406 ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- never printed; becomes a WP_Error detail.
				}
			}
			$values[] = null === $v ? 'NULL' : $wpdb->prepare( $formats[ $i ] ?? '%s', $v ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the format is one of %s/%d.
			++$i;
		}
		self::query( "INSERT INTO $table ($cols) VALUES (" . implode( ', ', $values ) . ')' );
		return self::insert_id();
	}

	/** The AUTO_INCREMENT id (or LAST_INSERT_ID(expr)) of the last INSERT run through the checked API. */
	public static function insert_id(): int {
		global $wpdb;
		if ( self::$compat ) {
			return (int) $wpdb->insert_id;
		}
		return self::$conn ? (int) self::$conn->insert_id : 0;
	}

	/**
	 * Runs, inside the unit, a write that has to go through another API's own queries (WooCommerce's
	 * order notes go through wpdb, not through this class), then proves the unit survived it: wpdb
	 * may have lost the connection and reconnected (the write then committed alone, outside the unit)
	 * or met a deadlock that rolled the unit back (later statements would autocommit). When the proof
	 * finds nothing, $undo removes the stray write and the unit is retried from its start.
	 *
	 * @param callable $write () => mixed, the foreign write; its answer goes to $undo and is returned
	 * @param string   $proof a query of the unit that answers a value only while the unit's own
	 *                        writes are there (e.g. its new ledger row by id)
	 * @param callable $undo  ( mixed $written ) => void
	 * @return mixed what $write answered
	 * @throws RetryException when the unit did not survive the write.
	 */
	public static function foreign( callable $write, string $proof, callable $undo ) {
		$written = $write();
		$lost    = false;
		try {
			$alive = null !== self::value( $proof );
		} catch ( RetryException $e ) {
			$alive = false;
			$lost  = $e->lost;
		}
		if ( ! $alive ) {
			$undo( $written );
			$retry       = new RetryException( 'The transaction ended while a write outside it ran.', 1213 );
			$retry->lost = $lost;
			throw $retry;
		}
		return $written;
	}

	/** Whether a statement run now would belong to a unit of work. */
	public static function active(): bool {
		return self::$depth > 0;
	}

	/** Kept for callers outside a unit that read $wpdb->last_error; throws RetryException on deadlock/lock wait. */
	public static function check_error(): void {
		global $wpdb;
		$e = (string) $wpdb->last_error;
		if ( '' !== $e && ( str_contains( $e, 'Deadlock found' ) || str_contains( $e, 'Lock wait timeout' ) ) ) {
			throw new RetryException( $e ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- never printed, turned into a retry.
		}
	}

	// ----------------------------------------------------------------------------------------------

	private static function begin_unit(): void {
		global $wpdb;
		self::$conn      = self::wpdb_conn();
		self::$compat    = is_object( $wpdb->dbh ) && ! self::$conn;
		self::$thread_id = self::$conn ? (int) self::$conn->thread_id : 0;
		self::$index     = 0;
		self::$in_unit   = true;
	}

	private static function end_unit(): void {
		self::$conn      = null;
		self::$thread_id = 0;
		self::$index     = 0;
		self::$in_unit   = false;
		self::$compat    = false;
	}

	/**
	 * Runs one statement of the unit on the unit's own connection, never on a replacement.
	 *
	 * @return \mysqli_result|true
	 */
	private static function statement( string $sql ) {
		global $wpdb;
		if ( ! self::$in_unit ) {
			throw new DbException( 'A checked statement was run outside Transaction::run.' );
		}
		if ( self::$compat ) {
			return self::compat_statement( $sql );
		}
		if ( ! self::$conn || $wpdb->dbh !== self::$conn ) {
			// No connection, or something inside the unit went through wpdb, lost the connection and
			// reconnected: our transaction died with the old connection.
			self::fail( 2006, 'The connection was replaced during the transaction.', $sql );
		}
		++self::$index;
		/**
		 * Fires before each checked statement of a money transaction (tests use it to inject faults).
		 *
		 * @param int    $index counts from 1 within one attempt of one unit (START TRANSACTION or SAVEPOINT is 1)
		 * @param string $sql   the statement about to run
		 */
		do_action( 'aipkit_usage_tx_statement', self::$index, $sql );
		// The filter every wpdb query passes through, so plugins that rewrite or inspect queries still see these.
		$sql = (string) apply_filters( 'query', $sql ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedHooknameFound -- WordPress's own filter, as wpdb::query applies it.
		try {
			// A dead socket makes mysqli warn as well as fail; the failure is handled below.
			$r = @self::$conn->query( $sql ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- see the class comment: wpdb would reconnect outside the transaction; the failure is handled below.
		} catch ( \mysqli_sql_exception $e ) {
			self::fail( (int) $e->getCode(), $e->getMessage(), $sql );
		}
		if ( false === $r ) {
			self::fail( (int) self::$conn->errno, (string) self::$conn->error, $sql );
		}
		$thread = (int) @self::$conn->thread_id; // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a closed handle warns.
		if ( self::$thread_id && $thread !== self::$thread_id ) {
			// The client library reconnected on its own (mysqli.reconnect): the statement ran outside the transaction.
			self::fail( 2006, 'The connection was re-established during the transaction.', $sql );
		}
		return $r;
	}

	/** @return int|bool what $wpdb->query answered */
	private static function compat_statement( string $sql ) {
		global $wpdb;
		++self::$index;
		/** This action is documented in statement() above. */
		do_action( 'aipkit_usage_tx_statement', self::$index, $sql );
		$r = $wpdb->query( $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- callers prepare their statements.
		if ( false === $r ) {
			$e     = (string) $wpdb->last_error;
			$known = [
				'Deadlock found'     => 1213,
				'Lock wait timeout'  => 1205,
				'Duplicate entry'    => 1062,
				'WSREP'              => 1047,
				'gone away'          => 2006,
				'Lost connection'    => 2013,
				'database is locked' => 1205, // SQLite's busy answer.
			];
			$errno = -1;
			foreach ( $known as $text => $code ) {
				if ( str_contains( $e, $text ) ) {
					$errno = $code;
					break;
				}
			}
			self::fail( $errno, '' !== $e ? $e : 'statement failed', $sql );
		}
		return $r;
	}

	private static function fail( int $errno, string $error, string $sql ): never {
		global $wpdb;
		// Keep wpdb's view of the last failure, as its own query() would.
		$wpdb->last_error = $error;
		$wpdb->last_query = $sql;
		if ( 0 === $errno || in_array( $errno, self::LOST_ERRNOS, true ) ) {
			$e       = new RetryException( '' !== $error ? $error : 'Lost connection to the database.', $errno ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- never printed.
			$e->lost = true;
			throw $e;
		}
		if ( in_array( $errno, self::RETRY_ERRNOS, true ) ) {
			throw new RetryException( $error, $errno ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- never printed.
		}
		throw new DbException( $error, $errno ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- never printed; becomes a WP_Error detail.
	}

	/** Best effort: a dead connection has already rolled back on the server. */
	private static function rollback(): void {
		global $wpdb;
		if ( self::$compat ) {
			$wpdb->query( 'ROLLBACK' );
			return;
		}
		if ( self::$conn ) {
			try {
				@self::$conn->query( 'ROLLBACK' ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- the connection may be dead.
			} catch ( \mysqli_sql_exception $e ) { // phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedCatch -- nothing more to undo.
			}
		}
	}

	private static function rollback_to( string $name ): void {
		global $wpdb;
		if ( self::$compat ) {
			$wpdb->query( "ROLLBACK TO SAVEPOINT $name" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our own savepoint name.
			return;
		}
		try {
			@self::$conn->query( "ROLLBACK TO SAVEPOINT $name" ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- best effort while an exception propagates.
		} catch ( \mysqli_sql_exception $e ) { // phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedCatch -- the exception being handled says more.
		}
	}

	/** Between attempts only: wpdb opens a new connection (or finds the old one alive). */
	private static function reconnect(): bool {
		global $wpdb;
		if ( $wpdb->dbh instanceof \mysqli ) {
			try {
				// A killed connection must not be pinged back to life by a library-level reconnect.
				@$wpdb->dbh->close(); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- may already be closed.
			} catch ( \Throwable $e ) { // phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedCatch -- closing a dead handle.
			}
		}
		$wpdb->dbh = null;
		return (bool) $wpdb->check_connection( false );
	}

	private static function busy( bool $lost ): WP_Error {
		return new WP_Error(
			'aipkit_busy',
			$lost
				? __( 'The billing database could not be reached. Nothing was charged; please try again in a moment.', 'aipkit-usage' )
				: __( 'The billing database is busy with other requests. Nothing was charged; please try again in a moment.', 'aipkit-usage' ),
			[ 'status' => 503 ]
		);
	}

	private static function db_error( DbException $e ): WP_Error {
		return new WP_Error(
			'aipkit_db_error',
			__( 'A billing statement failed; nothing was changed.', 'aipkit-usage' ),
			[
				'status' => 500,
				'detail' => $e->getMessage(),
				'errno'  => $e->getCode(),
			]
		);
	}
}
