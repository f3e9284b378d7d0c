<?php
/**
 * Logs benchmark (run by bench/logs/run with WordPress loaded). Works on its own pair of tables,
 * {$wpdb->prefix}aipkit_bench_logs / _conversations, seeded once to the target size and reused.
 *
 *   modes: main (default) | export (child: streams the whole export to /dev/null) | writer (child: log inserts)
 */

use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\CsvExporter;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\FulltextCleanup;
use AipkitUsage\Logs\LogDeleter;
use AipkitUsage\Logs\LogWriter;
use AipkitUsage\Logs\Tables;

global $wpdb;
$mode = $argv[1] ?? 'main';
Tables::$prefix = $wpdb->prefix . 'aipkit_bench_';
$root    = dirname( __DIR__, 2 );
$target  = (int) ( getenv( 'AIPKIT_BENCH_LOGS' ) ?: 1000000 );
$convs   = (int) ( getenv( 'AIPKIT_BENCH_CONVERSATIONS' ) ?: intdiv( $target, 10 ) );

if ( 'export' === $mode ) {
	$f    = Filters::from_request( [] );
	$boot = memory_get_peak_usage( true ) / 1048576;
	// The export's own peak, apart from what booting WordPress (and WooCommerce, on the default stack) took.
	memory_reset_peak_usage();
	$base = memory_get_usage( true ) / 1048576;
	$t    = microtime( true );
	$out = fopen( '/dev/null', 'wb' );
	$n  = CsvExporter::stream( $f, static function ( $b ) use ( $out ) {
		fwrite( $out, $b );
	} );
	echo wp_json_encode( [ 'rows' => $n, 'seconds' => microtime( true ) - $t, 'peak_mb' => memory_get_peak_usage( true ) / 1048576, 'boot_mb' => $boot, 'base_mb' => $base ] );
	return;
}

if ( 'writer' === $mode ) {
	$stop = $argv[2];
	$waits = [];
	$i = 0;
	// Realistic words (the seed's vocabulary): these rows end up the newest, where searches start.
	$vocab = explode( ' ', 'account password invoice refund billing order shipping delivery subscription plan upgrade cancel coupon discount product price tax receipt payment card login email profile settings export report error timeout checkout cart warranty support ticket agent feedback café Grüße' );
	$say   = static function ( int $k ) use ( $vocab ) {
		$out = [];
		for ( $j = 0; $j < $k; $j++ ) {
			$out[] = $vocab[ mt_rand( 0, count( $vocab ) - 1 ) ];
		}
		return implode( ' ', $out );
	};
	while ( ! file_exists( $stop ) ) {
		$t = microtime( true );
		$r = LogWriter::record( [
			'module' => 'chatbot', 'bot_id' => 'support-bot', 'user_id' => 0, 'guest_key' => 'benchw',
			'conversation_id' => 'bench-writer-' . ( $i % 50 ), 'provider' => 'openai', 'model' => 'gpt-4o-mini',
			'usage_type' => 'chat', 'input_tokens' => 100, 'output_tokens' => 50, 'credits' => '0.2',
			'user_message' => 'concurrent write ' . $i . ': ' . $say( 8 ), 'reply' => $say( 12 ), 'metadata' => [], 'vector_context' => [], 'status' => 'ok',
		] );
		$waits[] = ( microtime( true ) - $t ) * 1000;
		if ( is_wp_error( $r ) ) {
			fwrite( STDERR, $r->get_error_message() . "\n" );
			exit( 1 );
		}
		$i++;
		usleep( 5000 );
	}
	sort( $waits );
	echo wp_json_encode( [ 'inserts' => count( $waits ), 'max_ms' => end( $waits ), 'p99_ms' => $waits[ (int) floor( 0.99 * ( count( $waits ) - 1 ) ) ] ?? 0 ] );
	return;
}

// ---------------------------------------------------------------- main
// Order of a run (so the searches run on the state a site with retention is in):
//   top-up to the target → export → delete ~100,000 rows by filter → retention purge → top-up again
//   → searches in-process on the FULLTEXT deleted list those deletes left (before the cleanup)
//   → the FULLTEXT cleanup the plugin schedules after large deletes (FulltextCleanup, as WP-Cron
//   runs it) while another process writes logs → searches in-process and over HTTP (the headline).
// AIPKIT_BENCH_LOGS_ONLY=search skips the seeding, export, delete, purge and cleanup: only the
// searches, on the dataset as the last run left it (a quick re-measure on a quiet machine).
$only_search = 'search' === getenv( 'AIPKIT_BENCH_LOGS_ONLY' );
$defs        = \AipkitUsage\Schema\Tables::definitions( Tables::$prefix, $wpdb->get_charset_collate() );
foreach ( [ 'conversations', 'logs', 'log_terms' ] as $name ) {
	$table = Tables::$prefix . $name;
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $table ) ) && false === $wpdb->query( $defs[ $table ] ?? $defs[ $name ] ) ) {
		fwrite( STDERR, "cannot create {$table}: {$wpdb->last_error}\n" );
		exit( 1 );
	}
}
// A dataset seeded before a schema change gains its new keys (dbDelta: e.g. schema 8's filter-walk indexes).
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
foreach ( dbDelta( $defs[ Tables::logs() ] ?? $defs['logs'] ) as $change ) {
	echo "bench tables: {$change}\n";
}
$load = static function () {
	$l = sys_getloadavg();
	return sprintf( 'load average %.1f / %.1f / %.1f on %d cores', $l[0], $l[1], $l[2], (int) shell_exec( 'nproc' ) );
};
// The FULLTEXT index's deleted list: what every FULLTEXT query reads first. The benchmark runs as
// the site's DB user (root on the local stack), so it can point innodb_ft_aux_table at its table.
$ft_deleted = static function () use ( $wpdb ) {
	$prev = $wpdb->get_var( 'SELECT @@GLOBAL.innodb_ft_aux_table' );
	$q    = $wpdb->suppress_errors( true );
	$ok   = false !== $wpdb->query( $wpdb->prepare( 'SET GLOBAL innodb_ft_aux_table = %s', DB_NAME . '/' . Tables::logs() ) );
	$n    = $ok ? $wpdb->get_var( 'SELECT COUNT(*) FROM information_schema.INNODB_FT_DELETED' ) : null;
	if ( $ok ) {
		$wpdb->query( null === $prev ? 'SET GLOBAL innodb_ft_aux_table = NULL' : $wpdb->prepare( 'SET GLOBAL innodb_ft_aux_table = %s', $prev ) );
	}
	$wpdb->suppress_errors( $q );
	return null === $n ? 'unknown (no privilege to read INNODB_FT_DELETED)' : number_format( (int) $n ) . ' deleted doc ids';
};
$seed = static function ( int $n, int $c, bool $bulk, string $modules ) use ( $root ) {
	$cmd = [ $root . '/bin/site-php', $root . '/tools/seed-logs.php', '--prefix=aipkit_bench', '--exchanges', (string) $n, '--conversations', (string) max( 1, $c ), '--seed', (string) mt_rand( 1, 1000000 ), '--modules=' . $modules ];
	if ( $bulk ) {
		$cmd[] = '--rebuild-fulltext';
	}
	$t = microtime( true );
	passthru( implode( ' ', array_map( 'escapeshellarg', $cmd ) ), $rc );
	if ( 0 !== $rc ) {
		fwrite( STDERR, "seeding failed\n" );
		exit( 1 );
	}
	return microtime( true ) - $t;
};
// The delete step removes every content_writer row; each top-up brings that module back to
// exactly a tenth of the target (100,000 of 1,000,000), and the rest of the dataset (other modules
// only) back to the remaining nine tenths, so every run deletes the same ~100,000 matching rows.
$del_module = 'content_writer';
$del_target = intdiv( $target, 10 );
$per_conv   = $target / $convs;
$top_up     = static function () use ( $wpdb, $seed, $target, $del_module, $del_target, $per_conv ) {
	$have     = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::logs() );
	$del_have = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . Tables::logs() . ' WHERE module = %s', $del_module ) );
	$del_miss = max( 0, $del_target - $del_have );
	$rest     = max( 0, ( $target - $del_target ) - ( $have - $del_have ) );
	if ( $del_miss > 0 ) {
		$secs = $seed( $del_miss, (int) round( $del_miss / $per_conv ), false, $del_module );
		printf( "seeded %d %s exchanges (the delete target) in %.1f s (%.0f rows/s)\n", $del_miss, $del_module, $secs, $del_miss / $secs );
	}
	if ( $rest > 0 ) {
		$secs = $seed( $rest, (int) round( $rest / $per_conv ), $have < $target / 2, 'chatbot,ai_forms,image_generator' );
		printf( "seeded %d exchanges in %.1f s (%.0f rows/s)\n", $rest, $secs, $rest / $secs );
	}
	$wpdb->query( 'ANALYZE TABLE ' . Tables::logs() . ', ' . Tables::conversations() );
};
$have = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::logs() );
printf( "dataset: %s (%d exchanges present, target %d in ~%d conversations)%s\n", Tables::logs(), $have, $target, $convs, $only_search ? ' — AIPKIT_BENCH_LOGS_ONLY=search: searches only, on the dataset as it is' : '' );
if ( ! $only_search ) {
	$top_up();
}

$time = static function ( callable $fn, int $runs = 5 ) {
	$ms = [];
	$r  = null;
	for ( $i = 0; $i < $runs; $i++ ) {
		$t    = microtime( true );
		$r    = $fn();
		$ms[] = ( microtime( true ) - $t ) * 1000;
	}
	sort( $ms );
	return [ $ms[ intdiv( $runs, 2 ) ], $ms[ $runs - 1 ], $r ];
};
$report = static function ( string $label, array $m, string $target_text, string $extra = '' ) {
	printf( "%-44s median %7.1f ms  max %7.1f ms  (target %s)%s\n", $label, $m[0], $m[1], $target_text, $extra );
};
$rows_line = static function () use ( $wpdb ) {
	$n_logs  = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::logs() );
	$n_convs = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::conversations() );
	return sprintf( '%d exchanges, %d conversations', $n_logs, $n_convs );
};
$page = static function ( array $in, string $cursor = '' ) {
	$f = Filters::from_request( $in );
	if ( is_wp_error( $f ) ) {
		throw new RuntimeException( $f->get_error_message() );
	}
	return ConversationList::page( $f, 20, $cursor );
};
// Every search case the bench prints: frequent words (a third of all rows), two words, accents, a
// rare word, a word that matches nothing (worst case), filters, then short tokens through the
// TermIndex (a booking code taken from the data, "Order 42", "7", and "q_" which matches nothing).
$code        = (string) $wpdb->get_var( 'SELECT REGEXP_SUBSTR(user_message, \'[A-Z]{2}-[0-9]{1,2}\') FROM ' . Tables::logs() . " WHERE user_message LIKE '%Booking %' ORDER BY id DESC LIMIT 1" );
// Built when each search block runs: the oldest module is read on the dataset as the deletes and top-ups left it.
$search_cases = static function () use ( $wpdb, $code ) {
	$search_args = [];
	foreach ( array_merge( [ 'warranty', 'refund invoice', 'Grüße', 'café checkout', 'seed-benchmark-marker', 'kangaroo', 'warranty kangaroo' ] ) as $q ) {
		$search_args[ "\"{$q}\"" ] = [ 'search' => $q ];
	}
	$search_args['"warranty" + chatbot + 30 days'] = [
		'search' => 'warranty',
		'module' => 'chatbot',
		'range'  => '30',
	];
	// A frequent word under a filter whose rows are all old (docs/logs.md, search): the module whose newest
	// exchange is the oldest (content_writer on a first seed: ids 1..100,000 under 900,000 newer rows). A
	// loose scan of KEY module_id finds it.
	$old_mod = $wpdb->get_row( 'SELECT module, MAX(id) AS newest FROM ' . Tables::logs() . ' GROUP BY module ORDER BY newest LIMIT 1', ARRAY_A );
	if ( $old_mod ) {
		$below = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . Tables::logs() . ' WHERE id > %d', $old_mod['newest'] ) );
		$search_args[ "\"warranty\" + oldest module ({$old_mod['module']}, newest row under " . number_format( $below ) . ')' ] = [
			'search' => 'warranty',
			'module' => $old_mod['module'],
		];
	}
	// Two words each frequent but never in the same exchange (two of the seed's reply openings, each in a
	// sixth of all rows): no match, and FULLTEXT on either would read ~167,000 matches (~7 s). Read in
	// bounded windows instead: a partial page ("Keep searching").
	$search_args['"recommended usually" (each in a sixth of all rows, never together)'] = [ 'search' => 'recommended usually' ];
	$search_args['"recommended usually" + chatbot'] = [
		'search' => 'recommended usually',
		'module' => 'chatbot',
	];
	$search_args['"kangaroo" + chatbot + 30 days'] = [
		'search' => 'kangaroo',
		'module' => 'chatbot',
		'range'  => '30',
	];
	foreach ( array_values( array_filter( [ $code, 'Order 42', '7', 'q_' ] ) ) as $q ) {
		$search_args[ "\"{$q}\" (short tokens)" ] = [ 'search' => $q ];
	}
	$search_args['"ai" (stopword-free short word)'] = [ 'search' => 'ai' ];
	return $search_args;
};
$in_process = static function ( string $title ) use ( $search_cases, $page, $time, $report, $load ) {
	printf( "\n%s (%s)\n", $title, $load() );
	foreach ( $search_cases() as $label => $in ) {
		$page( $in ); // warm (first use of a word reads its index pages)
		$m = $time( fn() => $page( $in ) );
		$report( "search: {$label}", $m, '<= 100 ms', sprintf( '  %d items, partial=%s', count( $m[2]['items'] ), $m[2]['partial'] ? 'yes' : 'no' ) );
	}
};

if ( ! $only_search ) {
	// Export: a separate process, so its peak memory is the export's own.
	echo "\nexport of all rows (separate process)…\n";
	$json = shell_exec( escapeshellarg( $root . '/bin/site-php' ) . ' ' . escapeshellarg( __FILE__ ) . ' export' );
	$ex   = json_decode( (string) substr( (string) $json, (int) strpos( (string) $json, '{' ) ), true );
	if ( $ex ) {
		printf( "export: %d rows in %.1f s = %.0f rows/s, peak PHP memory %.1f MB, of which %.1f MB the export's own (booting WordPress took %.1f MB) (targets >= 20000 rows/s, <= 64 MB)\n", $ex['rows'], $ex['seconds'], $ex['rows'] / $ex['seconds'], max( $ex['peak_mb'], $ex['boot_mb'] ), $ex['peak_mb'] - $ex['base_mb'], $ex['boot_mb'] );
	} else {
		echo "export failed: {$json}\n";
	}

	$writer = static function () use ( $root ) {
		$stop = tempnam( sys_get_temp_dir(), 'aipkit-bench-stop' );
		unlink( $stop );
		$proc = proc_open( [ $root . '/bin/site-php', __FILE__, 'writer', $stop ], [ 1 => [ 'pipe', 'w' ], 2 => [ 'pipe', 'w' ] ], $pipes );
		usleep( 1500000 ); // let the writer load WordPress and start
		return static function () use ( $stop, $proc, $pipes ) {
			usleep( 300000 );
			touch( $stop );
			$w    = json_decode( (string) stream_get_contents( $pipes[1] ), true );
			$werr = stream_get_contents( $pipes[2] );
			proc_close( $proc );
			unlink( $stop );
			if ( $w ) {
				printf( "concurrent writer: %d inserts, p99 %.1f ms, max %.1f ms (target: no insert waits > 200 ms)\n", $w['inserts'], $w['p99_ms'], $w['max_ms'] );
			} else {
				echo "writer failed: {$werr}\n";
			}
		};
	};

	// Delete ~100,000 rows by filter while another process keeps writing logs.
	echo "\ndelete by filter while a writer process inserts…\n";
	$f        = Filters::from_request( [ 'module' => $del_module ] );
	$count    = LogDeleter::count( $f );
	printf( "delete filter module=%s matches %d exchanges in %d conversations (target ~%d)\n", $del_module, $count['exchanges'], $count['conversations'], $del_target );
	$finish   = $writer();
	$t        = microtime( true );
	$deleted  = 0;
	$after    = 0;
	$batch_ms = [];
	do {
		$bt         = microtime( true );
		$r          = LogDeleter::batch( $f, $count['max_id'], $after );
		$batch_ms[] = ( microtime( true ) - $bt ) * 1000;
		$deleted   += $r['deleted'];
		$after      = $r['last_id'];
	} while ( ! $r['done'] );
	$del_s = microtime( true ) - $t;
	$finish();
	sort( $batch_ms );
	printf( "delete: %d of %d matched rows in %.1f s = %.0f rows/s; batch p50 %.0f ms, max %.0f ms\n", $deleted, $count['exchanges'], $del_s, $deleted / max( 0.001, $del_s ), $batch_ms[ intdiv( count( $batch_ms ), 2 ) ], end( $batch_ms ) );

	// Retention purge rate: rows older than 100 days (of the 120-day spread), 10 s budget.
	echo "\nretention purge (rows older than 100 days, 10 s budget)…\n";
	$cutoff = gmdate( 'Y-m-d H:i:s', time() - 100 * DAY_IN_SECONDS );
	$t      = microtime( true );
	$purged = 0;
	do {
		$n       = LogDeleter::purge_before( $cutoff );
		$purged += $n;
	} while ( LogDeleter::BATCH === $n && microtime( true ) - $t < 10 );
	$ps = microtime( true ) - $t;
	printf( "retention: %d rows in %.1f s = %.0f rows/s\n", $purged, $ps, $purged / max( 0.001, $ps ) );

	// Back to the target size, so the searches below run at 1,000,000 rows after those deletes.
	echo "\ntop-up after the deletes…\n";
	$top_up();
	printf( "rows: %s; FULLTEXT deleted list: %s; the plugin's own count since the last cleanup: %d (cleanup threshold %d)\n", $rows_line(), $ft_deleted(), FulltextCleanup::pending(), FulltextCleanup::threshold() );
	$in_process( 'searches in-process BEFORE the FULLTEXT cleanup (the deleted list as the deletes left it)' );

	// The cleanup the plugin schedules (WP-Cron) once the count passes the threshold, while a writer inserts.
	echo "\nFULLTEXT cleanup (FulltextCleanup::run, as WP-Cron runs it) while a writer process inserts…\n";
	$finish = $writer();
	$c      = FulltextCleanup::run( false, 120.0 );
	$finish();
	printf( "cleanup: method %s, %d steps, %.1f s, counted deletes cleared %d, finished %s\n", $c['method'], $c['steps'], $c['seconds'], $c['cleared'], $c['finished'] ? 'yes' : 'no' );
}

printf( "\nrows: %s; FULLTEXT deleted list: %s\n", $rows_line(), $ft_deleted() );
$n_logs  = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::logs() );
$n_terms = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Tables::terms() );
$mb      = (float) $wpdb->get_var( $wpdb->prepare( 'SELECT (data_length + index_length) / 1048576 FROM information_schema.TABLES WHERE table_schema = DATABASE() AND table_name = %s', Tables::terms() ) );
printf( "short-word index (log_terms): %d entries = %.2f per exchange, %.0f MB\n\n", $n_terms, $n_terms / max( 1, $n_logs ), $mb );

$m = $time( fn() => $page( [] ) );
$report( 'list: first page (20)', $m, '<= 150 ms' );
$m = $time( fn() => $page( [], $m[2]['next_cursor'] ) );
$report( 'list: second page (keyset)', $m, '<= 150 ms' );
$m = $time( fn() => $page( [ 'module' => 'ai_forms', 'bot' => 'contact-form', 'range' => '30' ] ) );
$report( 'list: module+bot+30 days', $m, '<= 150 ms', sprintf( '  %d items', count( $m[2]['items'] ) ) );
$m = $time( fn() => $page( [ 'bot' => '__none__', 'range' => '7' ] ) );
$report( 'list: no bot, 7 days', $m, '<= 150 ms', sprintf( '  %d items', count( $m[2]['items'] ) ) );
$in_process( 'searches in-process' . ( $only_search ? '' : ' AFTER the cleanup (the state a site with retention is in)' ) );

// The same searches over HTTP: a php -S of its own serving the site with the Logs area pointed at
// the benchmark tables (bench/logs/http-prefix.php), an administrator's cookie and REST nonce.
printf( "\nsearch over HTTP (GET ?rest_route=/aipkit/v1/logs, per_page=20; cookie + nonce of an administrator; %s)…\n", $load() );
$http_port = (int) ( getenv( 'AIPKIT_BENCH_HTTP_PORT' ) ?: ( (int) ( getenv( 'AIPKIT_PORT' ) ?: 8080 ) + 7 ) );
$wp_dir    = (string) ( getenv( 'AIPKIT_WP_DIR' ) ?: ABSPATH );
if ( @fsockopen( '127.0.0.1', $http_port ) ) {
	fwrite( STDERR, "port {$http_port} is already in use (a server left from an earlier run?): set AIPKIT_BENCH_HTTP_PORT\n" );
	exit( 1 );
}
$server    = proc_open(
	// Its own process group (setsid): php -S workers outlive a TERM to the master, so the group is ended.
	[ 'setsid', PHP_BINARY, '-d', 'ffi.enable=1', '-d', 'memory_limit=512M', '-d', 'auto_prepend_file=' . __DIR__ . '/http-prefix.php', '-S', "127.0.0.1:{$http_port}", '-t', $wp_dir, $root . '/bin/router.php' ],
	[ 0 => [ 'file', '/dev/null', 'r' ], 1 => [ 'file', '/dev/null', 'w' ], 2 => [ 'file', '/dev/null', 'w' ] ],
	$server_pipes,
	null,
	array_merge( getenv(), [ 'PHP_CLI_SERVER_WORKERS' => '2', 'AIPKIT_DOCROOT' => $wp_dir ] )
);
$admin_id = (int) ( get_users( [ 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ] )[0] ?? 1 );
$expire   = time() + HOUR_IN_SECONDS;
$token    = WP_Session_Tokens::get_instance( $admin_id )->create( $expire );
$cookie   = wp_generate_auth_cookie( $admin_id, $expire, 'logged_in', $token );
$_COOKIE[ LOGGED_IN_COOKIE ] = $cookie;
wp_set_current_user( $admin_id );
$nonce = wp_create_nonce( 'wp_rest' );
$get   = static function ( string $route, array $args ) use ( $http_port, $cookie, $nonce ) {
	$url = "http://127.0.0.1:{$http_port}/?rest_route=" . rawurlencode( $route ) . '&' . http_build_query( $args );
	$ch  = curl_init( $url );
	curl_setopt_array( $ch, [
		CURLOPT_RETURNTRANSFER => true,
		CURLOPT_HTTPHEADER     => [ 'X-WP-Nonce: ' . $nonce, 'Cookie: ' . LOGGED_IN_COOKIE . '=' . rawurlencode( $cookie ) ],
		CURLOPT_TIMEOUT        => 30,
	] );
	$body = curl_exec( $ch );
	$code = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
	curl_close( $ch );
	return [ $code, json_decode( (string) $body, true ) ];
};
$server_pid = (int) proc_get_status( $server )['pid'];
for ( $i = 0; $i < 50; $i++ ) { // wait for the server
	if ( @fsockopen( '127.0.0.1', $http_port ) ) {
		break;
	}
	usleep( 100000 );
}
$get( '/aipkit/v1/logs', [ 'per_page' => 20 ] ); // warm-up (opcache, FFI header)
// The floor every aipkit/v1 request pays on this server (WordPress boot, auth, JSON): a trivial route.
$m = $time( fn() => $get( '/aipkit/v1/users', [ 'id' => 1 ] ), 7 );
$report( 'HTTP baseline: trivial route (users?id=1)', $m, '-' );
$m = $time( fn() => $get( '/aipkit/v1/logs', [ 'per_page' => 20 ] ), 7 );
$report( 'HTTP list: first page (no search)', $m, '-' );
foreach ( $search_cases() as $label => $in ) {
	$get( '/aipkit/v1/logs', [ 'per_page' => 20 ] + $in );
	$m = $time( fn() => $get( '/aipkit/v1/logs', [ 'per_page' => 20 ] + $in ) );
	[ $code_http, $body ] = $m[2];
	$report( "HTTP search: {$label}", $m, '<= 300 ms', 200 === $code_http ? sprintf( '  %d items, partial=%s', count( $body['items'] ?? [] ), ! empty( $body['partial'] ) ? 'yes' : 'no' ) : "  HTTP {$code_http}" );
}
foreach ( [ 'warranty', 'recommended usually', $code ?: '7' ] as $q ) {
	$m = $time( fn() => $get( '/aipkit/v1/logs/matches', [ 'search' => $q ] ), 3 );
	[ $code_http, $body ] = $m[2];
	$report( "HTTP match count: \"{$q}\"", $m, 'extra request', 200 === $code_http ? sprintf( '  %s conversations%s', var_export( $body['conversations'] ?? null, true ), ! empty( $body['capped'] ) ? '+' : ( ! empty( $body['at_least'] ) ? ' at least (newest rows)' : '' ) ) : "  HTTP {$code_http}" );
}
posix_kill( -$server_pid, 15 ); // SIGTERM to the whole group: master and workers
proc_close( $server );
WP_Session_Tokens::get_instance( $admin_id )->destroy( $token );
printf( "\n(%s; the next run tops the dataset up to the target before measuring)\n", $load() );
