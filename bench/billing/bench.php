<?php
/**
 * Billing benchmark (bench/billing/run). Modes: main | worker <first> <count> <users>.
 * Prints figures; asserts nothing about speed.
 */

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\Tables;

global $wpdb;
$wpdb->suppress_errors( false );
$mode   = $argv[1] ?? 'main';
// AIPKIT_BENCH_TABLES names another set of copies (e.g. when an interrupted run left its tables locked).
$prefix = $wpdb->prefix . ( getenv( 'AIPKIT_BENCH_TABLES' ) ?: 'aipkit_bench_billing_' );
Tables::$prefix = $prefix;
$users_total = 1000;

function bench_request( int $uid, string $rid ): array {
	return [ 'module' => 'bench', 'usage_type' => 'chat', 'provider' => 'bench', 'model' => 'bench-model', 'user_id' => $uid, 'estimate' => [ 'input_tokens' => 100, 'output_tokens' => 50 ], 'request_id' => $rid ];
}

function bench_one( int $uid, string $rid ): float {
	$t = hrtime( true );
	$h = aipkit_usage_authorize( bench_request( $uid, $rid ) );
	if ( is_wp_error( $h ) ) {
		fwrite( STDERR, 'authorize: ' . $h->get_error_message() . "\n" );
		exit( 1 );
	}
	$s = aipkit_usage_settle( $h, [ 'input_tokens' => 90, 'output_tokens' => 40 ] );
	if ( is_wp_error( $s ) ) {
		fwrite( STDERR, 'settle: ' . $s->get_error_message() . "\n" );
		exit( 1 );
	}
	return ( hrtime( true ) - $t ) / 1e6;
}

function bench_pct( array $ms, float $p ): float {
	sort( $ms );
	return $ms[ (int) min( count( $ms ) - 1, floor( $p * count( $ms ) ) ) ];
}

function bench_users(): array {
	global $wpdb;
	return array_map( 'intval', $wpdb->get_col( "SELECT ID FROM {$wpdb->users} WHERE user_login LIKE 'bench\\_billing\\_%' ORDER BY ID" ) );
}

if ( 'worker' === $mode ) {
	$first = (int) $argv[2];
	$count = (int) $argv[3];
	$users = bench_users();
	$tag   = $argv[4];
	for ( $i = 0; $i < $count; $i++ ) {
		bench_one( $users[ ( $first + $i ) % count( $users ) ], "$tag-" . ( $first + $i ) );
	}
	echo "ok\n";
	return;
}

/**
 * Removes what the benchmark put into the dev site: its users (created only for the run, so they do
 * not clutter the Balances screen) and its own table copies. Runs at exit, also after a failure;
 * AIPKIT_BENCH_KEEP=1 keeps everything for inspection.
 */
function bench_cleanup( string $prefix ): void {
	global $wpdb;
	if ( '1' === getenv( 'AIPKIT_BENCH_KEEP' ) || '1' === getenv( 'AIPKIT_BENCH_REUSE' ) ) {
		fwrite( STDERR, "AIPKIT_BENCH_KEEP/REUSE=1: bench users and {$prefix}* tables kept\n" );
		return;
	}
	$ids = bench_users();
	foreach ( array_chunk( $ids, 500 ) as $chunk ) {
		$in = implode( ',', array_map( 'intval', $chunk ) );
		$wpdb->query( "DELETE FROM {$wpdb->usermeta} WHERE user_id IN ($in)" );
		$wpdb->query( "DELETE FROM {$wpdb->users} WHERE ID IN ($in)" );
		foreach ( $chunk as $id ) {
			clean_user_cache( (int) $id );
		}
	}
	// Anything a bench user might have left in the site's own billing tables (none expected: the
	// bench writes to its copies) goes too, so the Balances screen and reconcile stay as before.
	if ( $ids ) {
		$in = implode( ',', array_map( 'intval', $ids ) );
		foreach ( [ 'balances', 'ledger', 'holds' ] as $t ) {
			$wpdb->query( "DELETE FROM {$wpdb->prefix}aipkit_{$t} WHERE user_id IN ($in)" );
		}
	}
	foreach ( [ 'pricing_rules', 'quota_rules', 'balances', 'ledger', 'ledger_rollup', 'ledger_days', 'holds', 'quota_counters' ] as $t ) {
		$wpdb->query( "DROP TABLE IF EXISTS {$prefix}{$t}" );
	}
	$left = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->users} WHERE user_login LIKE 'bench\\_billing\\_%'" );
	printf( "\ncleanup: %d bench users and the %s* tables removed (%d bench users left)\n", count( $ids ), $prefix, $left );
}
register_shutdown_function( 'bench_cleanup', $prefix );

// Activity target size (AIPKIT_BENCH_LEDGER, 0 = skip Activity).
$target = 1000000;
if ( false !== getenv( 'AIPKIT_BENCH_LEDGER' ) ) {
	$target = (int) getenv( 'AIPKIT_BENCH_LEDGER' );
}
// AIPKIT_BENCH_REUSE=1: the ledger copy a previous run kept (REUSE keeps it at exit) already holds
// $target rows: skip authorize/settle and the fill, measure Activity only.
$reuse = false;
if ( '1' === getenv( 'AIPKIT_BENCH_REUSE' ) && $target > 0 && $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $prefix . 'ledger_days' ) ) ) {
	$reuse = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$prefix}ledger" ) >= $target;
}
if ( $reuse ) {
	printf( "AIPKIT_BENCH_REUSE=1: reusing %sledger (>= %d rows); authorize/settle skipped\n", $prefix, $target );
	$l = $prefix . 'ledger';
} else {
	// Own copies of the tables, emptied.
	foreach ( [ 'pricing_rules', 'quota_rules', 'balances', 'ledger', 'ledger_rollup', 'ledger_days', 'holds', 'quota_counters' ] as $t ) {
		// Recreated each run so the copies always carry the current schema's indexes.
		$wpdb->query( "DROP TABLE IF EXISTS {$prefix}{$t}" );
		$wpdb->query( "CREATE TABLE {$prefix}{$t} LIKE {$wpdb->prefix}aipkit_{$t}" );
	}
	PricingRules::create( [ 'usage_type' => 'chat', 'provider' => 'bench', 'model' => 'bench-model', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2' ], 0 );

	$users = bench_users();
	if ( count( $users ) < $users_total ) {
		$wpdb->query( 'START TRANSACTION' );
		for ( $i = count( $users ); $i < $users_total; $i++ ) {
			// Direct inserts: the benchmark needs user rows, not the password hashing of wp_insert_user.
			$wpdb->insert( $wpdb->users, [ 'user_login' => "bench_billing_$i", 'user_pass' => '*', 'user_nicename' => "bench-billing-$i", 'user_email' => "bench_billing_$i@example.test", 'user_registered' => gmdate( 'Y-m-d H:i:s' ), 'display_name' => "Bench user $i (removed after the run)" ] );
		}
		$wpdb->query( 'COMMIT' );
		$users = bench_users();
	}
	foreach ( $users as $i => $uid ) {
		Balances::credit( $uid, '1000000', 'purchase', "purchase:bench:$i", [ 'note' => 'bench funding' ] );
	}
	printf( "setup: %d users funded, tables %s*\n", count( $users ), $prefix );

	$n = (int) ( getenv( 'AIPKIT_BENCH_REQUESTS' ) ?: 2000 );
	for ( $i = 0; $i < 50; $i++ ) {
		bench_one( $users[0], "warm-$i" );
	}
	$hot = [];
	for ( $i = 0; $i < $n; $i++ ) {
		$hot[] = bench_one( $users[0], "hot-$i" );
	}
	$many = [];
	for ( $i = 0; $i < $n; $i++ ) {
		$many[] = bench_one( $users[ $i % count( $users ) ], "many-$i" );
	}

	// The bare SQL of the same two transactions (no core calls, no PHP logic), same connection.
	$b = $prefix . 'balances';
	$c = $prefix . 'quota_counters';
	$h = $prefix . 'holds';
	$l = $prefix . 'ledger';
	$bare = [];
	for ( $i = 0; $i < $n; $i++ ) {
		$uid = $users[ $i % count( $users ) ];
		$t   = hrtime( true );
		// Statement for statement what authorize + settle send for a user metered before (balance row
		// exists) in a module without a quota rule: 6 + 6 round trips, as Metering sends them (the quota rule
		// lookup is memoised per PHP request, so this loop, like the metered one, sends it once).
		// bench/core/metering.php replays the plugin's own captured statements instead.
		$r   = $prefix . 'ledger_rollup';
		$wpdb->get_results( "(SELECT id, 1 AS same FROM $h WHERE request_id = 'bare-$i') UNION ALL (SELECT id, 0 FROM $h WHERE user_id = $uid AND status = 'held' AND expires_at < UTC_TIMESTAMP() LIMIT 50) UNION ALL (SELECT @@in_transaction, 2)" );
		$wpdb->query( 'START TRANSACTION' );
		$rows = $wpdb->get_results( "(SELECT 0 AS id, 'balance' AS subject, '' AS scope, '' AS period_key, balance AS used, held, balance - held AS available, uncovered FROM $b WHERE user_id = $uid FOR UPDATE) UNION ALL (SELECT id, subject, scope, period_key, used, held, NULL, NULL FROM $c WHERE subject IN ('user:$uid') AND scope IN ('bare') AND (period_end IS NULL OR period_end > UNIX_TIMESTAMP()) ORDER BY id FOR UPDATE)" );
		$cid  = (int) ( $rows[1]->id ?? 0 );
		if ( ! $cid ) {
			// Once per user, as a new period's row in authorize.
			$wpdb->query( "INSERT INTO $c (subject, scope, period_key, period_end, used, held, updated_at) VALUES ('user:$uid', 'bare', 'all', NULL, 0, 0, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)" );
			$cid = $wpdb->insert_id;
		}
		$wpdb->query( "UPDATE $b SET held = held + '0.2', updated_at = UTC_TIMESTAMP() WHERE user_id = $uid AND balance - held >= '0.2'" );
		$wpdb->query( "INSERT INTO $h (request_id, user_id, subjects, module, hold_balance, hold_quota, counters, status, result, created_at, expires_at) VALUES ('bare-$i', $uid, '[]', 'bench', '0.2', 0, '[$cid]', 'held', '{}', UTC_TIMESTAMP(), UTC_TIMESTAMP())" );
		$hid = $wpdb->insert_id;
		$wpdb->query( 'COMMIT' );
		$wpdb->query( 'START TRANSACTION' );
		$wpdb->get_row( "SELECT h.*, h.hold_balance + h.hold_quota, b.balance, b.held, b.balance - b.held, b.uncovered FROM $h h LEFT JOIN $b b ON b.user_id = h.user_id AND h.user_id > 0 WHERE h.id = $hid FOR UPDATE" );
		$wpdb->query( "INSERT INTO $l (created_at, kind, user_id, subject, amount, idempotency_key, rule_snapshot, note) VALUES (UTC_TIMESTAMP(), 'usage', $uid, 'user:$uid', '-0.17', 'bare:$i', '{}', '')" );
		$wpdb->query( "INSERT INTO $r (bucket, kind, slot, credit, debit, quota, quota_only, quota_only_entries, uncovered, entries) VALUES ('2026-01-01 00:00:00', 'usage', " . ( $i % 16 ) . ", 0, '0.17', 0, 0, 0, 0, 1) ON DUPLICATE KEY UPDATE debit = debit + VALUES(debit), entries = entries + 1" );
		$wpdb->query( "UPDATE $h h JOIN $b b ON b.user_id = h.user_id SET b.balance = b.balance - '0.17', b.held = b.held - '0.2', b.updated_at = UTC_TIMESTAMP(), h.status = 'settled', h.result = '{}' WHERE h.id = $hid AND b.user_id = $uid AND b.held >= '0.2' AND b.balance - '0.17' >= b.held - '0.2'" );
		$wpdb->query( 'COMMIT' );
		$bare[] = ( hrtime( true ) - $t ) / 1e6;
	}

	printf( "\nauthorize + settle, in-process, %d requests each (ms per request):\n", $n );
	printf( "  %-28s p50 %6.3f  p99 %6.3f\n", 'one hot user', bench_pct( $hot, .5 ), bench_pct( $hot, .99 ) );
	printf( "  %-28s p50 %6.3f  p99 %6.3f\n", '1,000 distinct users', bench_pct( $many, .5 ), bench_pct( $many, .99 ) );
	printf( "  %-28s p50 %6.3f  p99 %6.3f\n", 'bare SQL of the same txns', bench_pct( $bare, .5 ), bench_pct( $bare, .99 ) );
	printf( "  ratio to bare SQL (p50): hot %.2fx, distinct %.2fx   (target: p50 <= 2 ms and within 3x)\n", bench_pct( $hot, .5 ) / bench_pct( $bare, .5 ), bench_pct( $many, .5 ) / bench_pct( $bare, .5 ) );

	// Throughput with parallel processes (distinct users).
	$site_php = dirname( __DIR__, 2 ) . '/bin/site-php';
	printf( "\nthroughput, distinct users, separate PHP processes:\n" );
	foreach ( '0' === getenv( 'AIPKIT_BENCH_PARALLEL' ) ? [] : [ 1, 2, 8 ] as $procs ) {
		$per   = (int) ceil( 4000 / $procs );
		$t     = microtime( true );
		$ps    = [];
		for ( $p = 0; $p < $procs; $p++ ) {
			$cmd  = [ 'bash', $site_php, __FILE__, 'worker', (string) ( $p * $per ), (string) $per, "par$procs" ];
			$ps[] = proc_open( $cmd, [ 1 => [ 'pipe', 'w' ], 2 => [ 'pipe', 'w' ] ], $pipes_unused );
			$pipes[ $p ] = $pipes_unused;
		}
		$fail = 0;
		foreach ( $ps as $p => $proc ) {
			$out = stream_get_contents( $pipes[ $p ][1] );
			$err = stream_get_contents( $pipes[ $p ][2] );
			if ( 0 !== proc_close( $proc ) || 'ok' !== trim( $out ) ) {
				$fail++;
				fwrite( STDERR, $err );
			}
		}
		$dt = microtime( true ) - $t;
		printf( "  %d process%s: %5d requests in %6.2f s = %7.0f req/s (incl. process start-up)%s\n", $procs, $procs > 1 ? 'es' : '  ', $per * $procs, $dt, $per * $procs / $dt, $fail ? " ($fail failed)" : '' );
	}

	$r = \AipkitUsage\Billing\Reconciler::run();
	printf( "\nreconcile after the run: %s (%d balances checked)\n", $r['ok'] ? 'clean' : 'MISMATCH ' . wp_json_encode( $r ), $r['checked'] );
}

// Activity summary at a million ledger rows.
if ( $target > 0 ) {
	$have = (int) $wpdb->get_var( "SELECT COUNT(*) FROM $l" );
	$t    = microtime( true );
	while ( $have < $target ) {
		// At most 100,000 rows per statement: one huge INSERT … SELECT holds a million row locks and
		// a long undo log, and a failure then costs a rollback of minutes.
		$add = min( $have, $target - $have, 100000 );
		// Doubling with INSERT … SELECT, spreading rows over the last 120 days and the ledger kinds.
		$ok = $wpdb->query(
			"INSERT INTO $l (created_at, kind, user_id, subject, amount, quota_amount, uncovered, idempotency_key, rule_snapshot, note)
			 SELECT UTC_TIMESTAMP() - INTERVAL ((id * 7919) % (120 * 86400)) SECOND,
			        ELT(1 + id % 5, 'usage', 'usage', 'usage', 'purchase', 'admin_adjustment'),
			        user_id, subject, IF(id % 5 < 3, -0.17, 10), IF(id % 7 = 0, 0.2, 0), 0, CONCAT('fill:', $have, ':', id), NULL, ''
			 FROM $l ORDER BY id LIMIT $add"
		);
		if ( false === $ok ) {
			fwrite( STDERR, 'ledger fill failed: ' . $wpdb->last_error . "\n" );
			exit( 1 );
		}
		$have = (int) $wpdb->get_var( "SELECT COUNT(*) FROM $l" );
	}
	if ( ! $reuse ) {
		printf( "\nledger filled to %d rows in %.1f s\n", $have, microtime( true ) - $t );
		// The fill is bulk SQL, which bypasses Ledger::append: rebuild the rollup once, as the schema
		// upgrade does for an existing ledger. From here on every insert keeps it current itself.
		$t = microtime( true );
		\AipkitUsage\Billing\ActivityRollup::rebuild();
		printf( "rollup rebuilt from the ledger in %.1f s (one-time: schema upgrade of an existing site)\n", microtime( true ) - $t );
	}
	// The state of a real site: the cron has folded every closed local day into the day table.
	$t    = microtime( true );
	$left = \AipkitUsage\Billing\ActivityDays::fold( PHP_INT_MAX );
	printf( "closed days folded into the day table in %.1f s (what the 5-minute cron does; %d left), load average %s\n", microtime( true ) - $t, $left, implode( ' ', array_map( static fn( $x ) => sprintf( '%.1f', $x ), sys_getloadavg() ) ) );
	// In-process (no HTTP, no WordPress bootstrap): what the Activity request itself costs. "first"
	// is the first Activity read after the fill/fold (nothing read the range before).
	printf( "\nActivity in-process (cards + series + first page):\n" );
	foreach ( [ '7', '30', '90' ] as $range ) {
		$times = [];
		for ( $i = 0; $i < 6; $i++ ) {
			$t = hrtime( true );
			Activity::aggregate( Activity::range( $range ) );
			Activity::entries( Activity::range( $range ), [] );
			$times[] = ( hrtime( true ) - $t ) / 1e6;
		}
		$first = array_shift( $times );
		printf( "  %2s days: first %6.1f ms, next median %6.1f ms\n", $range, $first, bench_pct( $times, .5 ) );
	}
	foreach ( [ '7', '90' ] as $range ) {
		// One range for both: the direct pass takes seconds, a second range() would have moved on.
		$rr = Activity::range( $range );
		$t  = hrtime( true );
		$d  = Activity::direct( $rr );
		printf( "  check: %2s days day table + quarter hours %s the direct aggregate (direct %.0f ms)\n", $range, $d === Activity::aggregate( $rr ) ? 'equals' : 'DIFFERS FROM', ( hrtime( true ) - $t ) / 1e6 );
	}
	bench_activity_http( $prefix );
}

/**
 * The Activity screen's request (cards + per-day series + first page of entries) over HTTP, as the
 * browser sends it: a php -S of the site (opcache on, as production PHP) whose billing tables are
 * the bench copies (bench/billing/http-router.php), an administrator's cookie and REST nonce.
 * "first" = the first request for that range since the server started; "next" = median of 5 more.
 */
function bench_activity_http( string $prefix ): void {
	$port  = (int) ( getenv( 'AIPKIT_BENCH_HTTP_PORT' ) ?: ( (int) ( getenv( 'AIPKIT_PORT' ) ?: 8080 ) + 7 ) );
	$admin = get_users(
		[
			'role'   => 'administrator',
			'number' => 1,
			'fields' => 'ID',
		]
	);
	if ( ! $admin ) {
		echo "  Activity over HTTP: skipped (the site has no administrator)\n";
		return;
	}
	$uid                         = (int) $admin[0];
	$expires                     = time() + HOUR_IN_SECONDS;
	$manager                     = WP_Session_Tokens::get_instance( $uid );
	$token                       = $manager->create( $expires );
	$cookie                      = wp_generate_auth_cookie( $uid, $expires, 'logged_in', $token );
	$_COOKIE[ LOGGED_IN_COOKIE ] = $cookie;
	wp_set_current_user( $uid );
	$nonce = wp_create_nonce( 'wp_rest' );

	$root = dirname( __DIR__, 2 );
	$cmd  = [ 'setsid', 'php', '-d', 'ffi.enable=1', '-d', 'opcache.enable_cli=1', '-d', 'memory_limit=512M', '-S', "127.0.0.1:$port", '-t', ABSPATH, "$root/bench/billing/http-router.php" ];
	$env  = array_merge(
		getenv(),
		[
			'AIPKIT_BENCH_PREFIX'    => $prefix,
			'PHP_CLI_SERVER_WORKERS' => '2',
		]
	);
	$proc = proc_open(
		$cmd,
		[
			0 => [ 'file', '/dev/null', 'r' ],
			1 => [ 'file', '/dev/null', 'w' ],
			2 => [ 'file', '/dev/null', 'w' ],
		],
		$pipes,
		null,
		$env
	);
	$pid  = proc_get_status( $proc )['pid'];
	$base = home_url( '/' );
	$host = wp_parse_url( $base );
	// The site URL names the site's own port: call ours with the site's Host header.
	$url = static function ( string $route, array $args ) use ( $port, $host ) {
		return add_query_arg( array_merge( [ 'rest_route' => $route ], $args ), "http://127.0.0.1:$port" . ( $host['path'] ?? '/' ) );
	};
	$get = static function ( string $u ) use ( $cookie, $nonce, $host ) {
		$c = curl_init( $u );
		curl_setopt_array(
			$c,
			[
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HTTPHEADER     => [ 'X-WP-Nonce: ' . $nonce, 'Host: ' . $host['host'] . ( isset( $host['port'] ) ? ':' . $host['port'] : '' ) ],
				CURLOPT_COOKIE         => LOGGED_IN_COOKIE . '=' . rawurlencode( $cookie ),
				CURLOPT_TIMEOUT        => 60,
			]
		);
		$t    = hrtime( true );
		$body = curl_exec( $c );
		$ms   = ( hrtime( true ) - $t ) / 1e6;
		$code = curl_getinfo( $c, CURLINFO_HTTP_CODE );
		curl_close( $c );
		return [ $code, $ms, $body ];
	};
	try {
		for ( $i = 0; $i < 50 && 0 === $get( $url( '/', [] ) )[0]; $i++ ) {
			usleep( 100000 );
		}
		// Warm PHP itself (opcache) on another route, so "first" measures the Activity data path; its
		// median is the floor any aipkit/v1 request pays here (WordPress bootstrap, auth, JSON).
		$floor = [];
		for ( $i = 0; $i < 6; $i++ ) {
			$floor[] = $get( $url( '/aipkit/v1/users', [ 'id' => 1 ] ) )[1];
		}
		printf( "\nActivity over HTTP (php -S, opcache on; cards + series + first page):\n" );
		printf( "  baseline: a trivial aipkit/v1 route (users?id=1) median %6.1f ms\n", bench_pct( array_slice( $floor, 2 ), .5 ) );
		foreach ( [ '7', '30', '90' ] as $range ) {
			[ $code, $first, $body ] = $get( $url( '/aipkit/v1/activity', [ 'range' => $range ] ) );
			$next                    = [];
			for ( $i = 0; $i < 5; $i++ ) {
				$next[] = $get( $url( '/aipkit/v1/activity', [ 'range' => $range ] ) )[1];
			}
			$d = json_decode( (string) $body, true );
			printf(
				"  %2s days: first %6.1f ms, next median %6.1f ms  (HTTP %d, %s entries, %d days)\n",
				$range,
				$first,
				bench_pct( $next, .5 ),
				$code,
				$d['cards']['ledger_entries'] ?? '?',
				count( $d['series'] ?? [] )
			);
		}
		[ $code, $ms ] = $get(
			$url(
				'/aipkit/v1/activity',
				[
					'range'   => '90',
					'user_id' => bench_users()[1],
				]
			)
		);
		printf( "  90 days, one user: %6.1f ms (HTTP %d)\n", $ms, $code );
	} finally {
		// The whole process group (php -S and its workers); sh's kill may not take "--".
		if ( function_exists( 'posix_kill' ) ) {
			posix_kill( -(int) $pid, 15 );
		} else {
			exec( 'kill -TERM -' . (int) $pid . ' 2>/dev/null' );
		}
		proc_close( $proc );
		$manager->destroy( $token );
	}
}
