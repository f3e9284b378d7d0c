<?php
// FFI vs the PHP core at scale (issue 13 §5): AIPKIT_PARITY_TOTAL random requests (default 1,000,000),
// spread evenly over every operation the golden vectors cover, from the same generator as the property
// run in `npm test` (tests/php-core/RandomRequests.php). Unlike that test it does not stop at the first
// difference: it counts every mismatch (prints the first few in full), internal errors, time and
// requests/s, and exits 1 when any request differed. A request = one call on each backend, compared
// byte for byte (status and answer).
//   php -d ffi.enable=1 -d opcache.enable_cli=1 -d opcache.jit=off bench/core/parity.php
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
foreach ( array( 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ) as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}
require dirname( __DIR__, 2 ) . '/tests/php-core/RandomRequests.php';
use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\PhpCore;

function cpu_s(): float {
	$r = getrusage();
	return $r['ru_utime.tv_sec'] + $r['ru_utime.tv_usec'] / 1e6 + $r['ru_stime.tv_sec'] + $r['ru_stime.tv_usec'] / 1e6;
}

$total     = (int) ( getenv( 'AIPKIT_PARITY_TOTAL' ) ?: 1000000 );
$show      = 5;
$templates = RandomRequests::templates();
$per_op    = (int) ceil( $total / count( $templates ) );
$ffi       = Ffi::instance();
$php       = PhpCore::instance();
$all       = array(
	'n'        => 0,
	'mismatch' => 0,
	'internal' => 0,
	'ffi_ns'   => 0,
	'php_ns'   => 0,
);
printf( "%d operations x %d random requests = %d requests (each through FFI and the PHP core); opcache %s, JIT %s; load average %s\n", count( $templates ), $per_op, $per_op * count( $templates ), ini_get( 'opcache.enable_cli' ) ? 'on' : 'off', ini_get( 'opcache.jit' ) ?: 'off', implode( ' ', array_slice( explode( ' ', (string) @file_get_contents( '/proc/loadavg' ) ), 0, 3 ) ) );
printf( "%-18s %9s %9s %8s %9s %9s %8s\n", 'operation', 'requests', 'mismatch', 'errors', 'ffi µs', 'php µs', 'time s' );
// The PHP core's one-time load (3 MB of generated PHP) is not part of the per-call figures.
$ffi->call_json( 'version', '{}' );
$php->call_json( 'version', '{}' );
$t_all = hrtime( true );
$c_all = cpu_s();
foreach ( $templates as $op => $inputs ) {
	// Seeded per operation like the test, but from a different stream: the bench goes past the test's first 10,000.
	mt_srand( crc32( "bench:$op" ) );
	$row = array(
		'mismatch' => 0,
		'errors'   => 0,
		'internal' => 0,
		'ffi_ns'   => 0,
		'php_ns'   => 0,
	);
	$t0  = hrtime( true );
	for ( $i = 0; $i < $per_op; $i++ ) {
		$json = RandomRequests::json( RandomRequests::mutate( $inputs[ $i % count( $inputs ) ], 0 ) );
		$a0   = hrtime( true );
		$a    = $ffi->call_json( $op, $json );
		$a1   = hrtime( true );
		$b    = $php->call_json( $op, $json );
		$b1   = hrtime( true );
		$row['ffi_ns'] += $a1 - $a0;
		$row['php_ns'] += $b1 - $a1;
		if ( $a !== $b ) {
			if ( ++$all['mismatch'] <= $show ) {
				fprintf( STDERR, "MISMATCH %s request #%d\n  request: %s\n  ffi: %s\n  php: %s\n", $op, $i, $json, json_encode( $a, JSON_UNESCAPED_UNICODE ), json_encode( $b, JSON_UNESCAPED_UNICODE ) );
			}
			++$row['mismatch'];
		}
		if ( 1 === $a[0] ) {
			++$row['errors'];
		} elseif ( 2 === $a[0] || 2 === $b[0] ) {
			++$row['internal'];
		}
	}
	$secs = ( hrtime( true ) - $t0 ) / 1e9;
	printf( "%-18s %9d %9d %8s %9.1f %9.1f %8.1f\n", $op, $per_op, $row['mismatch'], $row['errors'] . ( $row['internal'] ? "+{$row['internal']}!" : '' ), $row['ffi_ns'] / $per_op / 1e3, $row['php_ns'] / $per_op / 1e3, $secs );
	$all['n']        += $per_op;
	$all['internal'] += $row['internal'];
	$all['ffi_ns']   += $row['ffi_ns'];
	$all['php_ns']   += $row['php_ns'];
}
$secs = ( hrtime( true ) - $t_all ) / 1e9;
$cpu  = cpu_s() - $c_all;
printf( "%d requests in %.1f s wall (%.1f s CPU): %d mismatches, %d internal errors; %.0f requests/s compared (%.0f per CPU second; FFI %.1f µs, PHP core %.1f µs mean wall per call; errors = answers with status 1 on both backends)\n", $all['n'], $secs, $cpu, $all['mismatch'], $all['internal'], $all['n'] / $secs, $all['n'] / $cpu, $all['ffi_ns'] / $all['n'] / 1e3, $all['php_ns'] / $all['n'] / 1e3 );
printf( "load average at end: %s\n", implode( ' ', array_slice( explode( ' ', (string) @file_get_contents( '/proc/loadavg' ) ), 0, 3 ) ) );
exit( 0 === $all['mismatch'] && 0 === $all['internal'] ? 0 : 1 );
